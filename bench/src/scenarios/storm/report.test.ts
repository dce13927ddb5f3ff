import { describe, expect, it } from 'vitest'
import type { StormCase, WaveStats } from './measure.js'
import { stormChart, stormVerdicts } from './report.js'

const wave = (peak: number, non2xx = 0): WaveStats => ({
  requests: 100,
  ok: 100 - non2xx,
  non2xx,
  errors: 0,
  dueBuckets: [peak / 4],
  doneBuckets: [peak / 4],
  peakDuePerSec: peak,
  peakServedPerSec: peak,
  p50Ms: 100,
  p99Ms: 900,
  spanSec: 1,
})
const storm = (jitterSec: number, peak: number, non2xx = 0): StormCase => ({
  jitterSec,
  wave1: wave(4000),
  wave2: wave(peak, non2xx),
})

describe('storm verdict', () => {
  it('is supported when jitter cuts the peak and nothing failed', () => {
    expect(stormVerdicts([storm(0, 2000), storm(6, 400)])[0]?.status).toBe('supported')
  })
  it('is inconclusive when the peaks are alike, mixed when refreshes failed', () => {
    expect(stormVerdicts([storm(0, 2000), storm(6, 1900)])[0]?.status).toBe('inconclusive')
    expect(stormVerdicts([storm(0, 2000, 3), storm(6, 400)])[0]?.status).toBe('mixed')
    expect(stormVerdicts([storm(0, 2000)])).toEqual([])
  })
})

describe('storm peaks (review E2)', () => {
  it('counts the most events in any one second, not a 250 ms bucket scaled ×4', async () => {
    const { peakPerSecond } = await import('./measure.js')
    // 1,500 refreshes due at the same whole second (a token's exp), then 100 at the next one.
    const due = [...Array.from({ length: 1500 }, () => 8000), ...Array.from({ length: 100 }, () => 9000)]
    expect(peakPerSecond(due)).toBe(1500)
    expect(peakPerSecond([0, 100, 999, 1000, 1999])).toBe(3)
    expect(peakPerSecond([])).toBe(0)
  })

  it("re-derives an older file's peaks from its own buckets, and leaves new waves alone", async () => {
    const { windowedPeaks } = await import('./measure.js')
    const old = {
      requests: 1700,
      ok: 1700,
      non2xx: 0,
      errors: 0,
      // due times on whole seconds: every fourth 250 ms bucket holds a second's refreshes
      dueBuckets: [1500, 0, 0, 0, 200, 0, 0, 0],
      doneBuckets: [300, 400, 400, 400, 200, 0, 0, 0],
      peakDuePerSec: 6000,
      peakServedPerSec: 1600,
      p50Ms: 1,
      p99Ms: 2,
      spanSec: 2,
    }
    const w = windowedPeaks(old, 250)
    expect(w.peakDuePerSec).toBe(1500)
    expect(w.peakServedPerSec).toBe(1500)
    expect(windowedPeaks(w, 250)).toBe(w)
  })

  it('draws what the table says: the chart never shows more than the busiest second (review R4)', () => {
    // Due times on whole seconds: every fourth 250 ms bucket holds a whole second's refreshes.
    const w2 = { ...wave(1500), dueBuckets: [1500, 0, 0, 0, 200, 0, 0, 0, 900], peakDuePerSec: 1500 }
    const chart = stormChart([{ jitterSec: 0, wave1: wave(4000), wave2: w2 }], 250)
    const values = (chart.vegaLiteSpec as { data: { values: { asked: number; t: number }[] } }).data.values
    expect(Math.max(...values.map((v) => v.asked))).toBe(1500) // the ×4 chart drew 6,000
    expect(values.map((v) => v.asked)).toEqual([1500, 1500, 1500, 1500, 200, 200, 200, 200, 900])
    expect(values[0]?.t).toBe(0.25)
  })
})
