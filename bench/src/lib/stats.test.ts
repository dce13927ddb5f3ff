import { describe, expect, it } from 'vitest'
import {
  addedMicros,
  compare,
  compareRounds,
  median,
  ratio,
  roundOrders,
  shuffled,
  summarize,
  validity,
} from './stats.js'

describe('median', () => {
  it('takes the middle of an odd count and the mean of the two middles of an even count, unsorted input', () => {
    expect(median([5, 1, 3])).toBe(3)
    expect(median([4, 1, 3, 2])).toBe(2.5)
    expect(median([7])).toBe(7)
  })
  it('refuses an empty list', () => {
    expect(() => median([])).toThrow()
  })
})

describe('summarize', () => {
  it('gives median, min, max and the relative spread', () => {
    expect(summarize([10, 12, 8, 11, 9])).toEqual({ n: 5, median: 10, min: 8, max: 12, spread: 0.4 })
  })
  it('has zero spread for one value and ignores non-finite values', () => {
    expect(summarize([3, Number.NaN, Number.POSITIVE_INFINITY])).toEqual({
      n: 1,
      median: 3,
      min: 3,
      max: 3,
      spread: 0,
    })
  })
  it('is null when nothing is left', () => {
    expect(summarize([])).toBeNull()
    expect(summarize([Number.NaN])).toBeNull()
  })
})

describe('ratio and addedMicros', () => {
  it('ratio is target over baseline, NaN for a zero baseline', () => {
    expect(ratio(5000, 20000)).toBe(0.25)
    expect(ratio(1, 0)).toBeNaN()
  })
  it('added µs per request comes from the two throughputs', () => {
    // 10k req/s = 100 µs per request, 20k = 50 µs: the variant adds 50 µs.
    expect(addedMicros(10_000, 20_000)).toBeCloseTo(50)
    expect(addedMicros(20_000, 10_000)).toBeCloseTo(-50)
    expect(addedMicros(0, 10_000)).toBeNaN()
  })
})

describe('compare', () => {
  const s = (min: number, med: number, max: number, n = 5) => ({
    n,
    median: med,
    min,
    max,
    spread: (max - min) / med,
  })
  it('is higher/lower only when the ranges are apart and the medians differ by more than 10%', () => {
    expect(compare(s(0.7, 0.75, 0.8), s(0.4, 0.45, 0.5))).toBe('higher')
    expect(compare(s(0.4, 0.45, 0.5), s(0.7, 0.75, 0.8))).toBe('lower')
  })
  it('calls overlapping ranges the same even when medians differ', () => {
    expect(compare(s(0.4, 0.7, 0.9), s(0.45, 0.5, 0.8))).toBe('same')
  })
  it('calls a ≤ 10% difference the same even when ranges are apart', () => {
    expect(compare(s(0.99, 1.0, 1.0), s(0.94, 0.95, 0.96))).toBe('same')
  })
  it('with one round, needs more than 15%', () => {
    expect(compare(s(0.6, 0.6, 0.6, 1), s(0.55, 0.55, 0.55, 1))).toBe('same')
    expect(compare(s(0.8, 0.8, 0.8, 1), s(0.5, 0.5, 0.5, 1))).toBe('higher')
  })
})

describe('compareRounds', () => {
  it('needs a consistent sign across rounds (all but one from 5 rounds) and a > 10% median difference', () => {
    expect(compareRounds([150, 160, 140, 155, 150], [80, 90, 85, 80, 88]).verdict).toBe('higher')
    expect(compareRounds([150, 160, 140, 155, 70], [80, 90, 85, 80, 88])).toMatchObject({
      verdict: 'higher',
      higherIn: 4,
    })
    expect(compareRounds([150, 60, 140, 155, 70], [80, 90, 85, 80, 88]).verdict).toBe('unclear')
    expect(compareRounds([80, 90, 85, 80, 88], [150, 160, 140, 155, 150]).verdict).toBe('lower')
  })
  it('calls a small difference the same whatever the signs, and skips missing rounds', () => {
    expect(compareRounds([100, 102, 104], [99, 100, 101]).verdict).toBe('same')
    expect(compareRounds([150, null, 160], [80, 90, null])).toMatchObject({ verdict: 'higher', n: 1 })
    expect(compareRounds([null], [1]).verdict).toBe('unclear')
  })
  it('with up to 4 rounds needs every round to agree', () => {
    expect(compareRounds([150, 160, 70, 155], [80, 90, 85, 80]).verdict).toBe('unclear')
  })
})

describe('validity', () => {
  const ok = { round: 1, label: 'GET /me', ok2xx: 100, non2xx: 0, errors: 0, timeouts: 0 }
  it('is valid when every run saw only 2xx', () => {
    expect(validity([ok, { ...ok, round: 2 }])).toEqual({ valid: true })
  })
  it('is invalid with a reason naming the round, the count and the status codes', () => {
    const v = validity([ok, { ...ok, round: 2, non2xx: 7, statusCounts: { '200': 93, '401': 7 } }])
    expect(v.valid).toBe(false)
    if (!v.valid) {
      expect(v.reason).toContain('round 2')
      expect(v.reason).toContain('401×7')
    }
  })
  it('names a run that could not happen (the server had exited)', () => {
    const v = validity([
      { ...ok, ok2xx: 0, errors: 1, failure: 'server stateful-sqlite is not running (exited)' },
    ])
    expect(v.valid).toBe(false)
    if (!v.valid) expect(v.reason).toContain('not running')
  })
  it('counts errors, timeouts and runs without any 2xx as invalid too', () => {
    expect(validity([{ ...ok, errors: 1 }]).valid).toBe(false)
    expect(validity([{ ...ok, timeouts: 1 }]).valid).toBe(false)
    expect(validity([{ ...ok, ok2xx: 0 }]).valid).toBe(false)
  })
})

describe('orders', () => {
  it('shuffles deterministically and keeps every item', () => {
    const items = ['a', 'b', 'c', 'd', 'e', 'f']
    expect(shuffled(items, 3)).toEqual(shuffled(items, 3))
    expect([...shuffled(items, 3)].sort()).toEqual(items)
  })
  it('gives each round a permutation different from the previous round', () => {
    const items = [1, 2, 3, 4]
    const orders = roundOrders(items, 6)
    expect(orders).toHaveLength(6)
    for (const [i, o] of orders.entries()) {
      expect([...o].sort()).toEqual(items)
      if (i > 0) expect(o).not.toEqual(orders[i - 1])
    }
  })
})
