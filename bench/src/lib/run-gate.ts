/**
 * The verdict rule across a whole run. The noise guard runs with the overhead experiment (lib/noise.ts); its
 * verdicts are gated there (lib/evidence.ts `gateNote`). Other experiments decide two kinds of claim:
 *
 * - **measured** claims, decided from a speed or CPU measurement (C8's refresh CPU, C9's CPU per request): a host
 *   that fails the guard moves these numbers too, so they get ✔/✘ only in a run whose guard passed. A run without
 *   the overhead experiment has no guard, and so gives them no badge either.
 * - **outcome** claims, decided from counted events (which replays were accepted, which attack was refused, who
 *   stayed logged in, which refresh won, how far expiries spread): a slow host changes how long they take, not what
 *   happened, so they keep their verdicts; C13 (heap bytes per session) is decided against its own measured
 *   resolution in the memory experiment, and does not depend on the host's speed.
 *
 * Applied to the results before they are saved (runner.ts): every reader of results.json — the sections, the
 * summary, bench:compare, docs/choosing.md — then sees the same statuses.
 */
import type { ExperimentResult, Verdict } from '../report/schema.js'

/** The claims decided from a speed or CPU measurement outside the overhead experiment, and their experiment. */
export const MEASURED_ELSEWHERE: Readonly<Record<string, string>> = { C8: 'ttl', C9: 'size' }

export type GuardState = 'passed' | 'failed' | 'absent'

/** The run's noise guard, as the overhead experiment recorded it. */
export function guardState(experiments: readonly ExperimentResult[]): GuardState {
  const overhead = experiments.find((e) => e.id === 'overhead')
  const noise = (overhead?.raw as { noise?: { passed?: unknown } } | null | undefined)?.noise
  if (!noise || typeof noise.passed !== 'boolean') return 'absent'
  return noise.passed ? 'passed' : 'failed'
}

const NOTE: Record<Exclude<GuardState, 'passed'>, string> = {
  failed:
    'No verdict: the run failed the noise guard (see the banner), and this claim rests on a CPU measurement; figures only.',
  absent:
    'No verdict: this run had no noise guard (it runs with the overhead experiment: `pnpm bench` or `--scenario overhead,…`), and this claim rests on a CPU measurement; figures only.',
}

/**
 * An outcome verdict that quotes CPU figures beside its counted outcome (C6 gives the per-request cost of each
 * revocation mode): in a run without a passing guard those figures are noise, so the verdict says so (review R5).
 */
const QUOTES_CPU: Readonly<Record<string, string>> = { C6: 'revocation' }
const CPU_CAVEAT =
  '(The per-request costs quoted here come from a run that did not pass the noise guard: figures only; the counted replays decide this claim.)'

/**
 * Returns the experiments with every verdict on a measured claim withdrawn when the guard did not pass — the
 * badge, and any verdict sentence ("higher in all 3 rounds", "both sides of the claim hold"), which is kept only
 * as figures after the note (review R5: a verdict already inconclusive for another reason kept its decided-sounding
 * sentence). Idempotent: a withdrawn verdict starts with the note and is left alone the next time.
 */
export function gateMeasured(experiments: readonly ExperimentResult[]): ExperimentResult[] {
  const state = guardState(experiments)
  if (state === 'passed') return [...experiments]
  const gate = (e: ExperimentResult, v: Verdict): Verdict => {
    const claim = v.claim.replace(/ \(.*\)$/, '')
    // A smoke run's verdicts carry no status: nothing to withdraw.
    if (MEASURED_ELSEWHERE[claim] === e.id && v.status !== undefined && !v.text.startsWith('No verdict:'))
      return { ...v, status: 'inconclusive', text: `${NOTE[state]} ${v.text}` }
    if (QUOTES_CPU[claim] === e.id && !v.text.endsWith(CPU_CAVEAT))
      return { ...v, text: `${v.text} ${CPU_CAVEAT}` }
    return v
  }
  return experiments.map((e) => ({ ...e, verdicts: e.verdicts.map((v) => gate(e, v)) }))
}

/** A verdict withdrawn by a gate (this one, or the overhead experiment's own): "no verdict", not "the numbers overlapped". */
export function isWithheld(v: Verdict): boolean {
  return v.text.startsWith('No verdict:')
}
