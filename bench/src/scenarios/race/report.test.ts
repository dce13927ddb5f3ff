import type { RaceCombination } from '@auth-lab/test/e2e'
import { describe, expect, it } from 'vitest'
import type { RaceMeasurement } from './measure.js'
import { buildRaceResult, raceSkipped } from './report.js'

const sizes = { tabs: 5, trials: 20 }
const combo = (client: RaceCombination['client'], grace: number, logouts: number): RaceCombination => ({
  client,
  grace,
  tabs: 5,
  trials: 20,
  logouts,
  familyKilledTrials: logouts / 5,
  refusedRefreshes: logouts,
  tokensTakenFromBroadcast: 0,
})
const measured = (strict: number, locks: number, grace: number, both: number): RaceMeasurement => ({
  browser: 'Chromium test',
  combinations: [
    combo('no coordination', 0, strict),
    combo('Web Locks + BroadcastChannel', 0, locks),
    combo('no coordination', 10, grace),
    combo('Web Locks + BroadcastChannel', 10, both),
  ],
})

describe('race report', () => {
  it('supported: the bug is real and every fix logs nobody out', () => {
    const r = buildRaceResult(measured(100, 0, 0, 0), sizes)
    expect(r.verdicts[0]?.status).toBe('supported')
    expect(r.tables[0]?.rows.map((row) => [row[0], row[5]])).toEqual([
      ['strict', 100],
      ['Web Locks', 0],
      ['grace', 0],
      ['both', 0],
    ])
    expect(r.charts[0]?.id).toBe('logouts')
    expect(r.invalid).toEqual([])
  })
  it('mixed when a fix still logs someone out; refuted when strict rotation loses nobody', () => {
    expect(buildRaceResult(measured(100, 0, 5, 0), sizes).verdicts[0]?.status).toBe('mixed')
    expect(buildRaceResult(measured(0, 0, 0, 0), sizes).verdicts[0]?.status).toBe('refuted')
  })
  it('no browser: an invalid entry and no number', () => {
    const r = raceSkipped(sizes, 'chromium not installed')
    expect(r.invalid).toEqual([{ variant: 'all combinations', reason: 'chromium not installed' }])
    expect(r.tables).toEqual([])
    expect(r.verdicts[0]?.status).toBe('inconclusive')
  })
})
