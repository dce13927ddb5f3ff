/**
 * The behaviour experiments at tiny sizes against the REAL servers (child processes on free loopback ports, temp DBs):
 * each test asserts the outcome the experiment exists to show, measured, not mocked. Every server is killed by PID in
 * the scenario code's own `finally`; the process registry kills leftovers when the worker exits.
 */
import { rmSync } from 'node:fs'
import { dirname } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { pickApp } from '../src/lib/configs.js'
import { LoadGenerator } from '../src/lib/load.js'
import { stopAll } from '../src/lib/processes.js'
import { lbSizes, measureLoadBalancer } from '../src/scenarios/lb/measure.js'
import { buildLbResult } from '../src/scenarios/lb/report.js'
import { measureMemory } from '../src/scenarios/memory/measure.js'
import { scrapeCacheStats } from '../src/scenarios/overhead/cache-stats.js'
import { selectGroups, setupGroups } from '../src/scenarios/overhead/variants.js'
import { measureRestarts, restartSizes } from '../src/scenarios/restart/measure.js'
import { buildRestartResult } from '../src/scenarios/restart/report.js'
import { measureRevocation } from '../src/scenarios/revocation/measure.js'

let gen: LoadGenerator

beforeAll(async () => {
  gen = await LoadGenerator.start()
})
afterAll(async () => {
  await gen?.close()
})

describe('restart (C2)', () => {
  it('the memory store loses every user on SIGKILL, the SQLite store keeps them all', async () => {
    const rows = await measureRestarts(
      {
        configs: [pickApp('stateful-memory'), pickApp('stateful-sqlite')],
        signals: ['SIGKILL'],
        users: 6,
        connections: 2,
        leadSec: 0.3,
        tailSec: 0.3,
        maxLoadSec: 20,
        loadedSignals: ['SIGKILL'],
      },
      gen,
    )
    const memory = rows.find((r) => r.config === 'stateful-memory')
    const sqlite = rows.find((r) => r.config === 'stateful-sqlite')
    expect(memory?.okBefore).toBe(1)
    expect(sqlite?.okBefore).toBe(1)
    expect(memory?.okAfter).toBe(0)
    expect(sqlite?.okAfter).toBe(1)
    expect(memory?.exit.signal).toBe('SIGKILL')
    // The load across the restart saw the server up before the signal, and 401s (memory) once it was back.
    expect(memory?.load?.ok2xx).toBeGreaterThan(0)
    expect(memory?.load?.unauthorized).toBeGreaterThan(0)
    expect(sqlite?.load?.unauthorized).toBe(0)
    const section = buildRestartResult(rows, restartSizes({ quick: true }))
    expect(section.invalid).toEqual([])
  })

  it('ephemeral JWT keys lose every access token on restart but not the refresh tokens', async () => {
    const [row] = await measureRestarts(
      {
        configs: [pickApp('stateless-ephemeral')],
        signals: ['SIGTERM'],
        users: 4,
        connections: 2,
        leadSec: 0.3,
        tailSec: 0.3,
        maxLoadSec: 20,
        loadedSignals: [],
      },
      gen,
    )
    expect(row?.okBefore).toBe(1)
    expect(row?.okAfter).toBe(0)
    expect(row?.refreshAfter).toBe(1)
    expect(row?.exit.code).toBe(0) // graceful
  })
})

describe('load balancer (C3)', () => {
  it('round-robin over per-instance memory stores fails most requests; a shared SQLite store serves them all', async () => {
    const r = await measureLoadBalancer(
      {
        ...lbSizes({ quick: true }),
        configs: [pickApp('stateful-memory'), pickApp('stateful-sqlite')],
        policies: ['round-robin'],
        instances: 3,
        users: 6,
        connections: 3,
        loadSec: 1,
        revocationModes: [],
      },
      gen,
    )
    const memory = r.cells.find((c) => c.config === 'stateful-memory')
    const sqlite = r.cells.find((c) => c.config === 'stateful-sqlite')
    expect(memory?.responses).toBeGreaterThan(0)
    expect(memory?.ok2xxShare).toBeLessThan(0.5) // ≈ 1/3: only the instance that holds the session answers 200
    expect(memory?.statusCounts['401']).toBeGreaterThan(0)
    expect(sqlite?.responses).toBeGreaterThan(0)
    expect(sqlite?.ok2xxShare).toBe(1)
    // Round-robin really spread the requests over all three instances.
    expect(Object.values(memory?.spread ?? {}).filter((n) => n > 0)).toHaveLength(3)
    // Logout on A is visible on B through the shared store; with per-instance memory the credential never worked on B.
    expect(r.replays.find((x) => x.config === 'stateful-sqlite')).toMatchObject({
      validOnB: 200,
      replayOnB: 401,
    })
    expect(r.replays.find((x) => x.config === 'stateful-memory')?.validOnB).toBe(401)
    expect(buildLbResult(r, lbSizes({ quick: true })).verdicts.length).toBeGreaterThan(0)
  })
})

describe('revocation window (C5, C6)', () => {
  it('a none-mode access token stays usable after logout, a denylist one is refused at once', async () => {
    const rows = await measureRevocation({
      modes: ['stateless-none', 'stateless-denylist'],
      events: ['logout'],
      accessTtlSec: 3,
      cookieCacheTtlSec: 3,
      slackSec: 1,
      intervalMs: 100,
    })
    const none = rows.find((r) => r.mode === 'stateless-none')
    const denylist = rows.find((r) => r.mode === 'stateless-denylist')
    expect(none?.eventStatus).toBe(204)
    expect(none?.accepted).toBeGreaterThan(0)
    expect(none?.refusedAfterMs).not.toBeNull() // ...until the token expired
    expect(denylist?.eventStatus).toBe(204)
    expect(denylist?.accepted).toBe(0)
    expect(denylist?.finalStatus).toBe(401)
  })
})

describe('session cookie cache (issue 11 item 8)', () => {
  it('revocation: the old cookies answer after logout-all until the snapshot expires, then are refused', async () => {
    const rows = await measureRevocation({
      modes: ['stateful', 'stateful-cookie-cache'],
      events: ['logout-all'],
      accessTtlSec: 3,
      cookieCacheTtlSec: 3,
      slackSec: 1,
      intervalMs: 100,
    })
    const plain = rows.find((r) => r.mode === 'stateful' && r.holder === 'other')
    const cached = rows.find((r) => r.mode === 'stateful-cookie-cache' && r.holder === 'other')
    expect(plain?.accepted).toBe(0)
    expect(cached?.eventStatus).toBe(204)
    expect(cached?.accepted).toBeGreaterThan(0)
    expect(cached?.refusedAfterMs).not.toBeNull()
    expect(cached?.remainingTtlMs).not.toBeNull()
    // The window is the snapshot's remaining lifetime: refused within one replay interval (+ scheduling) of it.
    expect(Math.abs((cached?.refusedAfterMs ?? 0) - (cached?.remainingTtlMs ?? 0))).toBeLessThan(600)
  })

  it('overhead: cached variants are primed like a browser and their hit rate is scraped', async () => {
    const specs = selectGroups(['stateful-sqlite-cookie-cache', 'stateless-hs256-none-cached'])
    const { groups, invalid } = await setupGroups(specs, 3, null, () => {})
    try {
      expect(invalid).toEqual([])
      for (const g of groups) {
        for (const headers of g.targets[0]!.credentials) {
          for (let i = 0; i < 3; i++) {
            const res = await fetch(`${g.server.url}/me`, { headers })
            expect(res.status).toBe(200)
            await res.arrayBuffer()
          }
        }
      }
      const stats = await scrapeCacheStats(groups)
      const of = (variant: string) => stats.find((s) => s.variant === variant)
      // Cookie cache: the priming /me was the one miss per user; token cache: the first /me per user.
      expect(of('stateful-sqlite-cookie-cache')).toMatchObject({
        cache: 'session_cookie',
        hits: 9,
        misses: 3,
      })
      expect(of('stateless-hs256-none-cached')).toMatchObject({ cache: 'access_token', hits: 6, misses: 3 })
    } finally {
      await stopAll(groups.map((g) => g.server))
      for (const g of groups) rmSync(dirname(g.server.dbPath), { recursive: true, force: true })
    }
  })
})

describe('memory (C13)', () => {
  it('reads heap and RSS of the server after real logins', async () => {
    const points = await measureMemory({
      configs: ['stateful-memory'],
      checkpoints: [0, 40],
      concurrency: 8,
      settleMs: 100,
      budgetMs: 30_000,
    })
    expect(points.map((p) => p.sessions)).toEqual([0, 40])
    for (const p of points) {
      expect(p.rssBytes).toBeGreaterThan(0)
      expect(p.heapUsedBytes).toBeGreaterThan(0)
    }
  })
})
