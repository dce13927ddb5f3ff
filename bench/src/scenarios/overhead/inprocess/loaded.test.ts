import { describe, expect, it } from 'vitest'
import type { LoadedSample } from './loaded.js'
import { addedOver, loadedTable, sessionAppBound, summarizeLoaded } from './loaded.js'

const s = (
  round: number,
  group: string,
  target: string,
  cpuUs: number,
  noise: string[] = [],
): LoadedSample => ({
  round,
  group,
  target,
  n: 100,
  inFlight: 16,
  cpuNsPerReq: cpuUs * 1000,
  cpuMeanNsPerReq: cpuUs * 1000,
  wallNsPerReq: cpuUs * 1000,
  bad: 0,
  noise,
})

// Two rounds: stateful-memory adds 40 then 44 µs over its /public, stateful-redis 60 then 50, floor-map 2 then 4.
const samples: LoadedSample[] = [
  s(1, 'stateful-memory', 'stateful-memory:public', 20),
  s(1, 'stateful-memory', 'stateful-memory', 60),
  s(2, 'stateful-memory', 'stateful-memory:public', 21),
  s(2, 'stateful-memory', 'stateful-memory', 65),
  s(1, 'stateful-redis', 'stateful-redis:public', 20),
  s(1, 'stateful-redis', 'stateful-redis', 80, ['run queue 4.0 > 3']),
  s(2, 'stateful-redis', 'stateful-redis:public', 22),
  s(2, 'stateful-redis', 'stateful-redis', 72),
  s(1, 'floor', 'floor:public', 15),
  s(1, 'floor', 'floor-map', 17),
  s(2, 'floor', 'floor:public', 15),
  s(2, 'floor', 'floor-map', 19),
]

describe('the pass under load: summary', () => {
  const rows = summarizeLoaded(samples)

  it('reports each measured target in catalogue order, its CPU and what it adds over /public of the same visit', () => {
    expect(rows.map((r) => r.id)).toEqual(['stateful-memory', 'stateful-redis', 'floor-map'])
    const redis = rows.find((r) => r.id === 'stateful-redis')!
    expect(redis.cpuUs).toMatchObject({ min: 72, max: 80, median: 76 })
    expect(redis.addedUs).toMatchObject({ min: 50, max: 60, median: 55 })
    expect(redis.noisyRounds).toBe(1)
    expect(redis.requests).toBe(200)
  })

  it('compares added costs by their medians: Redis over floor-map, and over the same app on a Map', () => {
    expect(addedOver(rows, 'stateful-redis', 'floor-map')).toBeCloseTo(55 - 3)
    expect(addedOver(rows, 'stateful-redis', 'stateful-memory')).toBeCloseTo(55 - 42)
    expect(addedOver(rows, 'stateful-redis', 'stateful-redis-cached')).toBeNull()
  })

  it('renders a row per target with the comparisons, and nothing when there was no pass', () => {
    const t = loadedTable(rows, { rounds: 2, inFlight: 16, requests: 100, chunks: 2 })!
    const redis = t.rows.find((r) => r[0] === 'stateful-redis')!
    expect(redis[3]).toBe('+52.0')
    expect(redis[4]).toBe('+13.0 (vs stateful-memory)')
    expect(loadedTable([], { rounds: 2, inFlight: 16, requests: 100, chunks: 2 })).toBeNull()
  })
})

describe("the session-app bound under issue 12's goals", () => {
  // floor-map 17, floor-hs-memory 29, floor-sqlite 35 µs of CPU (one round); stateful-redis-cached adds 40 over its
  // /public, floor-map 2 over the floor's.
  const withFloors: LoadedSample[] = [
    s(1, 'floor', 'floor:public', 15),
    s(1, 'floor', 'floor-map', 17),
    s(1, 'floor', 'floor-hs-memory', 29),
    s(1, 'floor', 'floor-sqlite', 35),
    s(1, 'stateful-redis-cached', 'stateful-redis-cached:public', 20),
    s(1, 'stateful-redis-cached', 'stateful-redis-cached', 60),
  ]
  const rows = summarizeLoaded(withFloors)

  it('is hono-sessions over a Map plus SHA-256 and one statement, over floor-map', () => {
    expect(sessionAppBound(rows)).toBeCloseTo(29 - 17 + (35 - 17))
    expect(sessionAppBound(rows.filter((r) => r.id !== 'floor-sqlite'))).toBeNull()
  })

  it('is stated beside the goals in the table notes', () => {
    const t = loadedTable(rows, { rounds: 1, inFlight: 16, requests: 100, chunks: 2 })!
    expect(t.notes?.[0]).toMatch(/= \+30\.0 µs over floor-map in this run/)
    expect(t.notes?.[0]).toMatch(/stateful-redis-cached \+38\.0 µs \(goal ≤ \+10\)/)
  })
})
