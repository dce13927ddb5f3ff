/**
 * Issue 12 item 6 at tiny sizes against the REAL servers and a real redis-server: the Redis overhead variants work
 * and cost what docs/redis.md says in Redis commands, the fault run shows 503s (never 401/500), recovery and no lost
 * session, the cross-instance propagation run has its trial count, and the "3 instances + Redis" rows serve every
 * user, survive a killed instance and refuse a logged-out credential everywhere.
 */

import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { LoadGenerator } from '../src/lib/load.js'
import { removeTempDb } from '../src/lib/processes.js'
import type { BenchRedis } from '../src/lib/redis.js'
import { startBenchRedis } from '../src/lib/redis.js'
import { renderSvg } from '../src/report/charts.js'
import { measureLoadBalancer, REDIS_LB_CONFIGS } from '../src/scenarios/lb/measure.js'
import { buildGroup } from '../src/scenarios/overhead/inprocess/build.js'
import { countRedisTrips, withRedis } from '../src/scenarios/overhead/redis-run.js'
import type { Group } from '../src/scenarios/overhead/variants.js'
import { selectGroups, setupGroup } from '../src/scenarios/overhead/variants.js'
import { measureRedisFault } from '../src/scenarios/redis-fault/measure.js'
import { buildFaultResult } from '../src/scenarios/redis-fault/report.js'
import {
  measureCrossInstance,
  propagationChart,
  propagationTable,
} from '../src/scenarios/revocation/cross-instance.js'

const REDIS_VARIANTS = [
  'stateful-redis',
  'stateful-redis-cached',
  'stateless-hs256-denylist-redis',
  'floor-redis',
]

describe('overhead: Redis variants', () => {
  let redis: BenchRedis
  const groups: Group[] = []
  beforeAll(async () => {
    redis = await startBenchRedis()
    const specs = withRedis(selectGroups(REDIS_VARIANTS), redis.url, 'test')
    for (const spec of specs) groups.push(await setupGroup(spec, 4, null))
  }, 120_000)
  afterAll(async () => {
    await Promise.all(groups.map((g) => g.server.stop('SIGKILL')))
    for (const g of groups) removeTempDb(g.server.dbPath) // setupGroup's DB dirs are the caller's to remove
    await redis?.stop()
  })

  it('every Redis GET answers 200 and costs the documented Redis commands', async () => {
    await countRedisTrips(groups, redis, 8) // fills the client cache of the cached variant
    const rows = await countRedisTrips(groups, redis, 20)
    const row = (id: string) => rows.find((r) => r.variant === id)
    for (const id of REDIS_VARIANTS) expect(row(id)?.ok, id).toBe(20)
    expect(row('stateful-redis')?.commands).toEqual({ hgetall: 20 }) // 1 round trip per /me
    expect(row('stateful-redis-cached')?.perRequest).toBe(0) // served from process memory
    expect(row('stateless-hs256-denylist-redis')?.commands).toEqual({ exists: 20 })
    expect(row('floor-redis')?.commands).toEqual({ get: 20 })
  }, 60_000)

  it('the in-process layer builds the Redis app and the Redis floor', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'auth-lab-redis-inproc-'))
    try {
      const specs = withRedis(selectGroups(['stateful-redis', 'floor-redis']), redis.url, 'test-inproc')
      for (const spec of specs) {
        const g = await buildGroup(spec, 2, join(dir, spec.id))
        const t = g.targets.find((x) => !x.id.endsWith(':public'))!
        const res = await g.fetch(new Request(`http://127.0.0.1${t.path}`, { headers: t.headers[0] }))
        expect(res.status, spec.id).toBe(200)
        g.close()
      }
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  }, 60_000)
})

describe('redis-fault', () => {
  let gen: LoadGenerator
  beforeAll(async () => {
    gen = await LoadGenerator.start({ cpu: null })
  })
  afterAll(async () => {
    await gen?.close()
  })

  it('Redis down: 503 store_unavailable, never 401/500; back after the restart; no session lost', async () => {
    const sizes = { users: 4, connections: 2, beforeSec: 0.3, outageSec: 1, afterSec: 1.5 }
    const [run] = await measureRedisFault(sizes, gen, undefined, ['stateful-redis'])
    expect(run!.outage503).toBeGreaterThan(0)
    expect(run!.statusCounts['401'] ?? 0).toBe(0)
    expect(run!.statusCounts['500'] ?? 0).toBe(0)
    expect(run!.probe).toEqual({ status: 503, code: 'store_unavailable', retryAfter: '1' })
    expect(run!.recoverMs).not.toBeNull()
    expect(run!.lost).toBe(0)
    const result = buildFaultResult([run!], sizes, true)
    expect(result.invalid).toEqual([])
    for (const c of result.charts) expect(await renderSvg(c.vegaLiteSpec)).toMatch(/^<svg/)
  }, 90_000)
})

describe('revocation: cross-instance on Redis', () => {
  it('runs the asked number of trials; without the cache B refuses on the next request', async () => {
    const runs = await measureCrossInstance({ trials: 10, boundMs: 2000 })
    expect(runs.map((r) => r.config)).toEqual([
      'stateful-redis',
      'stateful-redis-cached',
      'stateless-hs256-denylist-redis',
      'stateless-hs256-denylist-redis-cached',
    ])
    for (const r of runs) {
      expect(r.trials).toBe(10)
      expect(r.delaysMs).toHaveLength(10)
      expect(r.delaysMs.every((d) => d !== null)).toBe(true) // B refused within the bound every time
      expect(Object.keys(r.refusals)).toEqual(['401'])
    }
    // Without the client cache, B reads Redis on every request: the very next request is refused.
    for (const r of [runs[0]!, runs[2]!]) {
      expect(r.refusedNext, r.config).toBe(10)
      expect(r.acceptedAfter, r.config).toBe(0)
    }
    expect(propagationTable(runs).rows).toHaveLength(4)
    expect(await renderSvg(propagationChart(runs).vegaLiteSpec)).toMatch(/^<svg/)
  }, 90_000)
})

describe('lb: 3 instances + Redis', () => {
  it('round-robin serves every user, a killed instance loses no login, a logout is refused everywhere', async () => {
    const gen = await LoadGenerator.start({ cpu: null })
    try {
      const r = await measureLoadBalancer(
        {
          configs: REDIS_LB_CONFIGS.slice(0, 1),
          policies: ['round-robin', 'sticky'],
          instances: 3,
          users: 6,
          connections: 3,
          loadSec: 0.5,
          killLoadSec: 1,
          killAtSec: 0.3,
          revocationModes: [],
        },
        gen,
      )
      expect(r.cells.map((c) => c.policy)).toEqual(['round-robin']) // no sticky run for the Redis rows
      expect(r.cells[0]!.ok2xxShare).toBe(1)
      expect(Object.keys(r.cells[0]!.spread).sort()).toEqual(['i0', 'i1', 'i2'])
      expect(r.kills[0]!.othersOkAfter).toBe(1)
      expect(r.replays[0]!.validOnB).toBe(200)
      expect(r.replays[0]!.replayOnB).toBe(401)
      expect(r.replays[0]!.replayOnRest).toEqual([401])
    } finally {
      await gen.close()
    }
  }, 120_000)
})
