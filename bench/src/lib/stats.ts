/**
 * The few statistics the reports use. Medians, not means: one noisy round on a shared 2-core machine must not move
 * the headline number. Every summary keeps min and max so a reader sees the spread.
 */
export interface Summary {
  n: number
  median: number
  min: number
  max: number
  /** (max − min) / |median|: the relative spread across rounds (0 with one round). */
  spread: number
}

export function median(xs: readonly number[]): number {
  if (xs.length === 0) throw new Error('median of nothing')
  const s = [...xs].sort((a, b) => a - b)
  const mid = Math.floor(s.length / 2)
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2
}

/** Median, min, max and spread of finite values; null when there are none. */
export function summarize(xs: readonly number[]): Summary | null {
  const v = xs.filter((x) => Number.isFinite(x))
  if (v.length === 0) return null
  const m = median(v)
  const min = Math.min(...v)
  const max = Math.max(...v)
  return { n: v.length, median: m, min, max, spread: m === 0 ? 0 : (max - min) / Math.abs(m) }
}

/** target ÷ baseline (NaN when the baseline is 0). */
export function ratio(target: number, baseline: number): number {
  return baseline === 0 ? Number.NaN : target / baseline
}

/** Per-request time a variant adds over its baseline, from throughputs: 1e6/rps_target − 1e6/rps_baseline (µs). */
export function addedMicros(rpsTarget: number, rpsBaseline: number): number {
  if (rpsTarget <= 0 || rpsBaseline <= 0) return Number.NaN
  return 1e6 / rpsTarget - 1e6 / rpsBaseline
}

/**
 * Whether `a` is clearly above or below `b`: their min–max ranges across rounds do not overlap AND the medians
 * differ by more than `minRelative` (default 10%). Anything else is 'same' (within noise). With a single round
 * there is no range, so only the relative difference decides, with a stricter 15% (the box's round-to-round noise).
 */
export function compare(a: Summary, b: Summary, minRelative = 0.1): 'higher' | 'lower' | 'same' {
  const rel = (a.median - b.median) / Math.max(Math.abs(b.median), Number.EPSILON)
  const single = a.n < 2 || b.n < 2
  const threshold = single ? Math.max(minRelative, 0.15) : minRelative
  if (Math.abs(rel) <= threshold) return 'same'
  if (!single && a.min <= b.max && b.min <= a.max) return 'same'
  return rel > 0 ? 'higher' : 'lower'
}

/** What makes a measured run unusable. */
export interface Outcome {
  round: number
  label: string
  ok2xx: number
  non2xx: number
  errors: number
  timeouts: number
  statusCounts?: Record<string, number>
  /** A run that could not happen at all (e.g. the server had exited). */
  failure?: string
}

/**
 * A variant is valid only if every one of its runs (and its baselines) saw nothing but 2xx. Otherwise it is
 * invalid with a reason naming the first bad runs — and it is never averaged in.
 */
export function validity(runs: readonly Outcome[]): { valid: true } | { valid: false; reason: string } {
  const bad = runs.filter((r) => r.non2xx > 0 || r.errors > 0 || r.timeouts > 0 || r.ok2xx === 0)
  if (bad.length === 0) return { valid: true }
  const describe = (r: Outcome) => {
    const codes = Object.entries(r.statusCounts ?? {})
      .filter(([c]) => !c.startsWith('2'))
      .map(([c, n]) => `${c}×${n}`)
      .join(', ')
    const parts = [
      r.non2xx > 0 ? `${r.non2xx} non-2xx${codes ? ` (${codes})` : ''}` : '',
      r.errors > 0 ? `${r.errors} errors` : '',
      r.timeouts > 0 ? `${r.timeouts} timeouts` : '',
      r.ok2xx === 0 ? 'no 2xx at all' : '',
      r.failure ?? '',
    ].filter(Boolean)
    return `round ${r.round} ${r.label}: ${parts.join(', ')}`
  }
  const shown = bad.slice(0, 3).map(describe).join('; ')
  return { valid: false, reason: bad.length > 3 ? `${shown}; and ${bad.length - 3} more run(s)` : shown }
}

/** A deterministic shuffle (mulberry32), so a run's order can be reproduced from its seed. */
export function shuffled<T>(items: readonly T[], seed: number): T[] {
  let s = seed >>> 0
  const rand = () => {
    s = (s + 0x6d2b79f5) >>> 0
    let t = s
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  const out = [...items]
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1))
    ;[out[i], out[j]] = [out[j]!, out[i]!]
  }
  return out
}

/** Orders for `rounds` rounds: a different shuffle each round (rotated if it happens to repeat the previous one). */
export function roundOrders<T>(items: readonly T[], rounds: number, seed = 1): T[][] {
  const orders: T[][] = []
  for (let r = 0; r < rounds; r++) {
    let o = shuffled(items, seed * 7919 + r)
    const prev = orders[r - 1]
    if (prev && items.length > 1 && o.every((x, i) => x === prev[i])) o = [...o.slice(1), o[0]!]
    orders.push(o)
  }
  return orders
}

/** Outcome of comparing two variants round by round. */
export interface RoundComparison {
  verdict: 'higher' | 'lower' | 'same' | 'unclear'
  /** Rounds in which a > b, and a < b (rounds where either is missing are skipped). */
  higherIn: number
  lowerIn: number
  n: number
  /** (median a − median b) / |median b| */
  relative: number
}

/**
 * Compares two per-round series (same round = measured minutes apart on the same machine state), robust to one bad
 * round: 'higher'/'lower' needs the medians to differ by more than `minRelative` (15% with a single round) AND a
 * consistent sign — every round up to 4 rounds, all but one from 5 rounds on (a sign test). A clear median
 * difference without a consistent sign is 'unclear'; a small one is 'same'.
 */
export function compareRounds(
  a: readonly (number | null)[],
  b: readonly (number | null)[],
  minRelative = 0.1,
): RoundComparison {
  const pairs: [number, number][] = []
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const x = a[i]
    const y = b[i]
    if (
      x !== null &&
      x !== undefined &&
      y !== null &&
      y !== undefined &&
      Number.isFinite(x) &&
      Number.isFinite(y)
    ) {
      pairs.push([x, y])
    }
  }
  const n = pairs.length
  if (n === 0) return { verdict: 'unclear', higherIn: 0, lowerIn: 0, n, relative: Number.NaN }
  const higherIn = pairs.filter(([x, y]) => x > y).length
  const lowerIn = pairs.filter(([x, y]) => x < y).length
  const ma = median(pairs.map((p) => p[0]))
  const mb = median(pairs.map((p) => p[1]))
  const relative = (ma - mb) / Math.max(Math.abs(mb), Number.EPSILON)
  const threshold = n < 2 ? Math.max(minRelative, 0.15) : minRelative
  if (Math.abs(relative) <= threshold) return { verdict: 'same', higherIn, lowerIn, n, relative }
  const need = n >= 5 ? n - 1 : n
  if (relative > 0 && higherIn >= need) return { verdict: 'higher', higherIn, lowerIn, n, relative }
  if (relative < 0 && lowerIn >= need) return { verdict: 'lower', higherIn, lowerIn, n, relative }
  return { verdict: 'unclear', higherIn, lowerIn, n, relative }
}

/** Share as a number in 0..1 (NaN-safe: 0 of 0 is reported as 0). */
export function share(part: number, whole: number): number {
  return whole > 0 ? part / whole : 0
}
