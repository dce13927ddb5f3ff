import { describe, expect, it } from 'vitest'
import type { TtlMeasurement } from './measure.js'
import { ttlInvalid, ttlRows, ttlTable, ttlVerdicts } from './report.js'

const point = (ttlSec: number, cpuUs: number, ok = Math.round((10_000 / ttlSec) * 2)) => ({
  ttlSec,
  targetRps: 10_000 / ttlSec,
  sent: ok,
  skipped: 0,
  ok,
  failed: 0,
  windowSec: 2,
  cpuUs,
  p50Ms: 2,
  p99Ms: 9,
})

describe('ttl section (C8)', () => {
  it('removes the idle baseline and computes cores and µs per refresh', () => {
    const m: TtlMeasurement = { points: [point(30, 420_000)], idleCpuUs: 10_000, idleWindowSec: 1 }
    const [r] = ttlRows(m)
    expect(r?.cores).toBeCloseTo(0.2, 5) // (420 ms − 2 × 10 ms) / 2 s
    expect(r?.cpuUsPerRefresh).toBeCloseTo(400_000 / 667, 0)
    expect(r?.exposureSec).toBe(35)
  })

  it('supports C8 only when the short TTL costs clearly more CPU', () => {
    const base = { idleCpuUs: 0, idleWindowSec: 1 }
    expect(
      ttlVerdicts(ttlRows({ ...base, points: [point(30, 400_000), point(3600, 20_000)] }))[0]?.status,
    ).toBe('supported')
    expect(
      ttlVerdicts(ttlRows({ ...base, points: [point(30, 30_000), point(3600, 20_000)] }))[0]?.status,
    ).toBe('inconclusive')
  })

  it('reads a window whose CPU is within the clock ticks as below resolution, never as a ratio (sample run H3)', () => {
    // H3: ACCESS_TTL 3600 s, 4 s windows, 11 refreshes: 2.1 µs per refresh and "51792×" were one tick.
    const m: TtlMeasurement = {
      idleCpuUs: 30_000,
      idleWindowSec: 4,
      points: [
        { ...point(30, 1_240_000, 1333), windowSec: 4 },
        { ...point(3600, 30_023, 11), windowSec: 4 },
      ],
    }
    const rows = ttlRows(m)
    expect(rows[1]?.resolutionCores).toBeCloseTo(0.005, 5)
    expect(rows[1]?.cpuUsPerRefresh).toBeNull()
    expect(rows[0]?.cpuUsPerRefresh).toBeCloseTo(1_210_000 / 1333, 0)
    expect(ttlTable(rows).rows[1]?.[3]).toBe('below resolution (±0.5)')
    const v = ttlVerdicts(rows)[0]
    expect(v?.status).toBe('supported')
    expect(v?.text).toContain("from below this method's resolution (±0.5 % of a core) to 30.3 %")
    expect(v?.text).toContain('multiplies the refreshes 120×')
    expect(v?.text).not.toMatch(/\d{4,}(\.\d)?×/)
  })

  it('lists a rate the server could not keep up with as invalid and leaves it out of the verdict', () => {
    const m = {
      idleCpuUs: 0,
      idleWindowSec: 1,
      points: [{ ...point(30, 400_000), skipped: 12 }, point(3600, 1)],
    }
    expect(ttlInvalid(m).map((i) => i.variant)).toEqual(['ACCESS_TTL 30s'])
    expect(ttlVerdicts(ttlRows(m))).toEqual([]) // one valid point cannot show a trade-off
  })
})
