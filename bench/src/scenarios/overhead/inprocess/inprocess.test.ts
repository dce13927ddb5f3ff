import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { processRegistry } from '../../../lib/process-registry.js'
import { Progress } from '../../../lib/progress.js'
import type { BenchRedis } from '../../../lib/redis.js'
import { startBenchRedis } from '../../../lib/redis.js'
import { withRedis } from '../redis-run.js'
import type { GroupSpec } from '../variants.js'
import { LOADED_TARGETS, loadedTable, summarizeLoaded } from './loaded.js'
import type { InprocRun } from './measure.js'
import { inprocessGroups, measureInprocess } from './measure.js'
import type { InprocVariant } from './summary.js'
import { summarizeInprocess } from './summary.js'

/**
 * The in-process layer for real at a tiny size: every group's app built in its own pinned worker, 2 rounds of
 * 15 ms per path, 3 users. Asserts outcomes (200s only, ns > 0 for every variant, a noise record per visit) —
 * never speed.
 */
describe('in-process cost layer (smoke: 2 rounds × 15 ms per path, 3 users)', () => {
  // The Redis variants (issue 12) need the run's redis-server, as overhead/index.ts gives them.
  let redis: BenchRedis
  let specs: GroupSpec[]
  beforeAll(async () => {
    redis = await startBenchRedis()
    specs = withRedis(inprocessGroups(undefined), redis.url, 'test')
  })
  afterAll(() => redis?.stop())
  let run: InprocRun
  let variants: InprocVariant[]

  it('measures every variant and floor with 200s only and ns > 0', async () => {
    run = await measureInprocess(
      specs,
      {
        rounds: 2,
        timeMs: 15,
        settle: { requests: 30, maxMs: 500 },
        warmupMs: 10,
        rewarmMs: 5,
        chunks: 2,
        users: 3,
        rerun: false,
        loaded: { rounds: 1, inFlight: 4, requests: 40, chunks: 2 },
      },
      0,
      new Progress(process.stderr, false),
    )
    variants = summarizeInprocess(run.samples, specs, 2, run.invalid)
    expect(run.invalid).toEqual([])
    const ids = specs.flatMap((g) => g.targets.map((t) => t.id))
    expect(variants.map((v) => v.id)).toEqual(ids)
    for (const v of variants) {
      expect(v.valid, `${v.id}: ${v.reason}`).toBe(true)
      expect(v.nsPerReq!.min, v.id).toBeGreaterThan(0)
      expect(v.publicNs!.min, v.id).toBeGreaterThan(0)
      expect(v.moeNs, v.id).toBeGreaterThanOrEqual(0)
      expect(v.addedByRound.filter((x) => x !== null)).toHaveLength(2)
    }
    // Interleaving: the two rounds visit the workers in different orders.
    const order = (r: number) => run.visits.filter((x) => x.round === r).map((x) => x.group)
    expect(order(1)).not.toEqual(order(2))
    expect(run.visits).toHaveLength(specs.length * 2)
    for (const v of run.visits) expect(v.noise.wallSec).toBeGreaterThan(0)
    // Every worker settled every one of its paths before the rounds: 30 requests each (well inside 500 ms).
    expect(run.settled.map((w) => w.group)).toEqual(specs.map((g) => g.id))
    for (const w of run.settled) {
      expect(w.paths.length, w.group).toBeGreaterThan(1)
      for (const p of w.paths) expect(p.requests, `${w.group} ${p.target}`).toBe(30)
    }
  }, 170_000)

  it('measured the pass under load: every loaded target and its /public, 200s only, CPU > 0', () => {
    const rows = summarizeLoaded(run.loaded)
    expect(rows.map((r) => r.id)).toEqual(LOADED_TARGETS.map((t) => t.id))
    for (const r of rows) {
      expect(r.bad, r.id).toBe(0)
      expect(r.requests, r.id).toBe(40)
      expect(r.cpuUs!.median, r.id).toBeGreaterThan(0)
      expect(r.addedUs, r.id).not.toBeNull()
    }
    // /public of every visited worker was measured in the same visit (the added cost needs it).
    for (const s of run.loaded) expect(s.inFlight).toBe(4)
    const table = loadedTable(rows, { rounds: 1, inFlight: 4, requests: 40, chunks: 2 })
    expect(table?.rows).toHaveLength(LOADED_TARGETS.length)
  })

  it('left no worker running', () => {
    expect(processRegistry.list()).toEqual([])
  })
})

afterAll(() => processRegistry.killAll())
