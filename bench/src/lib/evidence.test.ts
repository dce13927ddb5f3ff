import { describe, expect, it } from 'vitest'
import { decide, gateNote } from './evidence.js'

// Counterfactual inputs for the verdict rule: the same medians decided differently by their per-round evidence.
describe('decide (difference must exceed the between-round spread in every round)', () => {
  it('decides higher/lower only when every round clears the spread with the same sign', () => {
    // spreads: a 100–104 (4), b 80–83 (3); every round's difference ≥ 18 > 4
    expect(decide([100, 102, 104], [80, 83, 81]).verdict).toBe('higher')
    expect(decide([80, 83, 81], [100, 102, 104]).verdict).toBe('lower')
  })

  it('is inconclusive when one round overlaps, naming that round and its numbers', () => {
    // Same medians as above, but round 2 of a dips to 85 (spread 19 > its difference of 2).
    const d = decide([100, 85, 104], [80, 83, 81], { names: ['jwt', 'sqlite'] })
    expect(d.verdict).toBe('inconclusive')
    expect(d.why).toContain('round 2')
    expect(d.why).toContain('jwt 85.0 µs vs sqlite 83.0 µs')
  })

  it('is inconclusive when the sign flips between rounds, whatever the medians say', () => {
    const d = decide([92, 95, 78], [90, 80, 93])
    expect(d.verdict).toBe('inconclusive')
    expect(d.why).toContain('sign also changes')
  })

  it('the C1 flip of issue 11: 5–15 µs differences inside ±10 µs rounds stay inconclusive', () => {
    // HS256 +88 vs SQLite +93 in one run, +78 vs +93 in the other; per-round figures moving by ~10 µs.
    expect(decide([88, 80, 95, 84, 90], [93, 99, 86, 95, 92]).verdict).toBe('inconclusive')
    expect(decide([78, 74, 85, 80, 77], [93, 86, 97, 90, 95]).verdict).toBe('inconclusive')
  })

  it('needs at least 3 paired rounds, and skips missing ones', () => {
    expect(decide([100, 100], [10, 10]).verdict).toBe('inconclusive')
    expect(decide([100, null, 101, 102], [10, 11, null, 12]).rounds).toBe(2)
    expect(decide([100, 101, 102], [10, 11, 12], { minRounds: 2 }).verdict).toBe('higher')
  })

  it('measures each spread over all of its kept rounds, paired or not (review A3)', () => {
    // A's five kept rounds range 100–150; B lost round 5 to the guard. Every paired difference (~50) is within A's
    // measured spread (50), so nothing is decided; the old rule took the spread over the 4 paired rounds only (2).
    const d = decide([100, 101, 102, 100, 150], [50, 51, 52, 50, null])
    expect(d.spread).toBe(50)
    expect(d.rounds).toBe(4)
    expect(d.verdict).toBe('inconclusive')
  })

  it('says "same" only with a tolerance that bounds every difference and both spreads', () => {
    expect(decide([50, 51, 50.5], [50.2, 50.8, 50.4], { tolerance: 2 }).verdict).toBe('same')
    // Same medians, one wide round: the spread (8) exceeds the tolerance, so nothing is proven.
    expect(decide([50, 58, 50.5], [50.2, 50.8, 50.4], { tolerance: 2 }).verdict).toBe('inconclusive')
    expect(decide([50, 51, 50.5], [50.2, 50.8, 50.4]).verdict).toBe('inconclusive')
  })
})

describe('gateNote', () => {
  it('closes the gate for smoke runs and noisy runs only', () => {
    expect(gateNote({ smoke: true, noisePassed: true, source: 'x' })).toMatch(/Smoke run/)
    expect(gateNote({ smoke: false, noisePassed: false, source: 'x' })).toMatch(/noise guard/)
    expect(gateNote({ smoke: false, noisePassed: true, source: 'x' })).toBeNull()
  })
})
