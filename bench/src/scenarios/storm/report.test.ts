import { describe, expect, it } from 'vitest'
import type { StormCase, WaveStats } from './measure.js'
import { stormVerdicts } from './report.js'

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
