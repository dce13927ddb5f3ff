import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import {
  activeUsers,
  assumptionsTable,
  capacityModel,
  coresFor,
  DEFAULT_ASSUMPTIONS,
  firstWalls,
  type Mechanism,
  storeBytes,
  storedRecords,
  storeOpsPerSec,
  stormPeak,
  walls,
  writesPerSec,
} from './capacity.js'
import type { ResultsFile } from './schema.js'

const a = DEFAULT_ASSUMPTIONS
const session: Mechanism = {
  id: 'stateful-sqlite',
  label: 'session',
  store: 'sqlite',
  cpuUs: 150,
  cpuAddedUs: 70,
  readsPerReq: 1,
  writes: 'touch',
}
const jwt: Mechanism = {
  ...session,
  id: 'jwt',
  label: 'jwt',
  store: 'none',
  cpuUs: 200,
  cpuAddedUs: 110,
  readsPerReq: 0,
  writes: 'refresh',
}

describe('capacity arithmetic', () => {
  it('sizes cores as req/s × µs ÷ 10⁶ ÷ utilisation', () => {
    // 100 000 req/s × 70 µs = 7 core-seconds per second; at 70 % busy that is 10 cores.
    expect(coresFor(100_000, 70, a)).toBeCloseTo(10, 9)
    expect(coresFor(100_000, 70, { ...a, utilisation: 1 })).toBeCloseTo(7, 9)
  })

  it('derives active users, session touches and refresh writes from the stated assumptions', () => {
    expect(activeUsers(100_000, a)).toBe(1_000_000) // one request per 10 s each
    expect(writesPerSec(session, 100_000, a)).toBeCloseTo(1_000_000 / 60, 6)
    expect(writesPerSec(jwt, 100_000, a)).toBeCloseTo((1_000_000 / 900) * 2, 6)
    expect(storeOpsPerSec(session, 100_000, a)).toBeCloseTo(100_000 + 1_000_000 / 60, 6)
    expect(storeOpsPerSec(jwt, 100_000, a)).toBeCloseTo(2222.22, 1) // no reads: refreshes only
  })

  it('puts a storm peak at active users ÷ window, and jitter widens the window to a share of ACCESS_TTL', () => {
    expect(stormPeak(100_000, a, false)).toBe(100_000) // 1 M users within 10 s
    expect(stormPeak(100_000, a, true)).toBeCloseTo(1_000_000 / 90, 6) // 10 % of 900 s
  })

  it('counts stored records and bytes: half-day sessions vs fourteen-day refresh families', () => {
    expect(storedRecords(session, 1_000_000, a)).toBe(500_000)
    expect(storedRecords(jwt, 1_000_000, a)).toBe(14_000_000)
    expect(storeBytes(session, 1_000_000, a, null)).toBe(500_000 * 300)
    expect(storeBytes({ ...session, store: 'memory' }, 1_000_000, a, 600)).toBe(500_000 * 600)
  })

  it('finds the walls: SQLite writer, one host, Redis shard, storms — and none at small scale', () => {
    expect(walls(session, 10_000, a)).toEqual([])
    const kinds = (m: Mechanism, r: number) => walls(m, r, a).map((w) => w.kind)
    expect(kinds(session, 100_000)).toEqual(['redis-shard'])
    expect(kinds(session, 1_000_000)).toEqual(['one-host', 'sqlite-writer', 'redis-shard'])
    expect(kinds(jwt, 100_000)).toEqual(['storm'])
    expect(kinds({ ...session, store: 'memory' }, 10_000)).toEqual(['one-process'])
    // Each wall is reported once, at the lowest target where it appears.
    expect(firstWalls([session], a)).toHaveLength(3)
    expect(firstWalls([session], a)[0]).toMatch(/from 100,000 req\/s/)
  })
})

describe('capacity model from a results.json', () => {
  const sample: ResultsFile = JSON.parse(
    readFileSync(join(import.meta.dirname, '../../test/fixtures/results.sample-quick.json'), 'utf8'),
  )
  it('uses the run’s measured CPU and reads per mechanism', () => {
    const m = capacityModel(sample)!
    const s = m.mechanisms.find((x) => x.id === 'stateful-sqlite')!
    expect(s.readsPerReq).toBeCloseTo(1.01, 2)
    expect(m.tables.map((t) => t.title)).toHaveLength(3)
    expect(m.walls.length).toBeGreaterThan(0)
    // The quick sample's heap per session is inside its resolution: it is not used as a figure.
    expect(m.heapBytesPerSession).toBeNull()
  })
  it('takes the storm window from the storm experiment when the run has one, and says so', () => {
    expect(capacityModel(sample)!.assumptions.stormWindowSec).toBe(DEFAULT_ASSUMPTIONS.stormWindowSec)
    const wave = (requests: number, peakDuePerSec: number) => ({ requests, peakDuePerSec })
    const storm = {
      id: 'storm',
      raw: {
        cases: [
          { jitterSec: 0, wave1: wave(8000, 40_000), wave2: wave(8000, 3200) },
          { jitterSec: 6, wave1: wave(8000, 40_000), wave2: wave(8000, 800) },
        ],
      },
    } as unknown as ResultsFile['experiments'][number]
    const m = capacityModel({ ...sample, experiments: [...sample.experiments, storm] })!
    // 8,000 tokens back at a peak of 3,200/s: a 2.5 s window (the jitter case is not the no-jitter window).
    expect(m.assumptions.stormWindowSec).toBe(2.5)
    expect(stormPeak(100_000, m.assumptions, false)).toBe(activeUsers(100_000, a) / 2.5)
    const row = assumptionsTable(m.assumptions, m.measured).rows.find((r) => r[0] === 'stormWindowSec')!
    expect(row[1]).toBe('2.5 s')
    expect(String(row[3])).toMatch(/^measured/)
  })
  it('returns null when the run has no overhead figures', () => {
    expect(capacityModel({ ...sample, experiments: [] })).toBeNull()
  })
})
