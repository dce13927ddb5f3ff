import type { StoreKind } from './store-probe.js'
import type { AttackCase, Pace, Target } from './types.js'

/**
 * How each pace is run — the one place both the vitest files and the bench scenario read:
 * - `fast` cases only send requests: one after another, on shared servers;
 * - `timer` cases mostly wait (a throttle window, an idle or absolute TTL): side by side, each with its own users,
 *   so a run waits for the longest one instead of their sum;
 * - `timing` (T03) measures login timing at the real argon2 cost: alone, last, so nothing else shares the CPU.
 */
export const PACES: Readonly<Record<Pace, { sideBySide: boolean; timeoutMs: number }>> = {
  fast: { sideBySide: false, timeoutMs: 45_000 },
  timer: { sideBySide: true, timeoutMs: 90_000 },
  timing: { sideBySide: false, timeoutMs: 90_000 },
}

/** The order a full run goes through the paces. */
export const PACE_ORDER: readonly Pace[] = ['fast', 'timer', 'timing']

export function withPace<C extends AttackCase>(cases: readonly C[], pace: Pace): C[] {
  return cases.filter((c) => c.pace === pace)
}

/** The stores a case runs on (SQLite unless it says otherwise). */
export function storesOf(c: AttackCase): readonly StoreKind[] {
  return c.stores ?? ['sqlite']
}

export function onStore<C extends AttackCase>(cases: readonly C[], store: StoreKind): C[] {
  return cases.filter((c) => storesOf(c).includes(store))
}

/** What a case runs against: its apps, or for a verifier case the stateless app (+ the naive verifier if asked). */
export function targetsOf(c: AttackCase, opts: { naive?: boolean } = {}): Target[] {
  if (c.verifier) return opts.naive ? ['stateless', 'naive'] : ['stateless']
  return [...c.apps]
}

export interface Phase {
  pace: Pace
  sideBySide: boolean
  jobs: { c: AttackCase; target: Target }[]
}

/**
 * Every (case, target) pair grouped in run order by pace: what the bench runs, phase after phase. Only the cases
 * that run on `opts.store` (default SQLite, the bench's store), so a Redis-only case never meets a SQLite server.
 */
export function schedule(
  cases: readonly AttackCase[],
  opts: { naive?: boolean; store?: StoreKind } = {},
): Phase[] {
  const mine = onStore(cases, opts.store ?? 'sqlite')
  return PACE_ORDER.map((pace) => ({
    pace,
    sideBySide: PACES[pace].sideBySide,
    jobs: withPace(mine, pace).flatMap((c) => targetsOf(c, opts).map((target) => ({ c, target }))),
  }))
}
