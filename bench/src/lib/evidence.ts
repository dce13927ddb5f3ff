/**
 * The verdict rule: a claim gets ✔/✘ only from evidence. Two variants measured in the same rounds differ only when
 * the difference between them exceeds the between-round spread (max − min over rounds of either variant) in EVERY
 * round, with the same sign — and only in a run that passed the noise guard and is not a --quick smoke run.
 * Anything else is "inconclusive", naming the round whose numbers overlapped.
 */
import { median } from './stats.js'

export interface Decision {
  verdict: 'higher' | 'lower' | 'same' | 'inconclusive'
  /** Rounds where both series have a value. */
  rounds: number
  medianA: number
  medianB: number
  /** Per paired round: a − b. */
  diffs: number[]
  /** The larger of the two between-round spreads (max − min over each series' kept rounds, paired or not). */
  spread: number
  /** Why: the deciding numbers, in the series' own unit. */
  why: string
}

export interface DecideOptions {
  /** Fewer paired rounds than this is inconclusive (a spread from 2 rounds means little). Default 3. */
  minRounds?: number
  /**
   * When given, "same" is decided if every round's |a − b| and both spreads stay within it: the instrument was
   * precise enough to bound the difference. Without it two close variants are only ever "inconclusive".
   */
  tolerance?: number
  /** Unit appended to the numbers in `why` (default µs). */
  unit?: string
  names?: [string, string]
}

export function decide(
  a: readonly (number | null)[],
  b: readonly (number | null)[],
  opts: DecideOptions = {},
): Decision {
  const unit = opts.unit ?? 'µs'
  const [na, nb] = opts.names ?? ['A', 'B']
  const f = (x: number) => `${x.toFixed(1)} ${unit}`
  const pairs: { r: number; x: number; y: number }[] = []
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const x = a[i]
    const y = b[i]
    if (typeof x === 'number' && typeof y === 'number' && Number.isFinite(x) && Number.isFinite(y))
      pairs.push({ r: i + 1, x, y })
  }
  const n = pairs.length
  const base = { rounds: n, diffs: pairs.map((p) => p.x - p.y) }
  if (n === 0)
    return {
      ...base,
      verdict: 'inconclusive',
      medianA: NaN,
      medianB: NaN,
      spread: NaN,
      why: 'no paired rounds',
    }
  const xs = pairs.map((p) => p.x)
  const ys = pairs.map((p) => p.y)
  const medianA = median(xs)
  const medianB = median(ys)
  // Each series' spread is over ALL its kept rounds, not only the paired ones: a round the guard left out of one
  // variant must not hide the other variant's measured variation (its value is still a measurement of it).
  const range = (s: readonly (number | null)[]) => {
    const v = s.filter((x): x is number => typeof x === 'number' && Number.isFinite(x))
    return Math.max(...v) - Math.min(...v)
  }
  const spread = Math.max(range(a), range(b))
  const out = { ...base, medianA, medianB, spread }
  const minRounds = opts.minRounds ?? 3
  if (n < minRounds) {
    return {
      ...out,
      verdict: 'inconclusive',
      why: `only ${n} paired round(s); at least ${minRounds} are needed`,
    }
  }
  if (pairs.every((p) => p.x - p.y > spread))
    return {
      ...out,
      verdict: 'higher',
      why: `${na} above ${nb} in all ${n} rounds by more than the spread ${f(spread)}`,
    }
  if (pairs.every((p) => p.y - p.x > spread))
    return {
      ...out,
      verdict: 'lower',
      why: `${na} below ${nb} in all ${n} rounds by more than the spread ${f(spread)}`,
    }
  const tol = opts.tolerance
  if (tol !== undefined && spread <= tol && pairs.every((p) => Math.abs(p.x - p.y) <= tol)) {
    return {
      ...out,
      verdict: 'same',
      why: `within ${f(tol)} of each other in all ${n} rounds (spread ${f(spread)})`,
    }
  }
  // Name the round that overlapped most: the smallest |difference| relative to the spread.
  const worst = [...pairs].sort((p, q) => Math.abs(p.x - p.y) - Math.abs(q.x - q.y))[0]!
  const signs = new Set(pairs.map((p) => Math.sign(p.x - p.y)))
  return {
    ...out,
    verdict: 'inconclusive',
    why:
      `round ${worst.r}: ${na} ${f(worst.x)} vs ${nb} ${f(worst.y)}, a difference of ${f(Math.abs(worst.x - worst.y))} ` +
      `within the between-round spread ${f(spread)}` +
      (signs.size > 1 ? '; the sign also changes between rounds' : ''),
  }
}

/** Whether this run may print verdict badges at all. */
export interface Gate {
  /** --quick: figures only. */
  smoke: boolean
  /** The noise guard's verdict over the rounds the verdicts use. */
  noisePassed: boolean
  /** Where the figures come from, for the text (e.g. "in-process layer"). */
  source: string
}

/** The sentence that replaces a badge when the gate is closed, or null when verdicts may be given. */
export function gateNote(g: Gate): string | null {
  if (g.smoke) return 'Smoke run (--quick): figures only, no verdict.'
  if (!g.noisePassed) return 'No verdict: the run failed the noise guard (see the banner); figures only.'
  return null
}
