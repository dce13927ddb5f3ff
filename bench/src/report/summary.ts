/**
 * The one-screen summary at the top of every report: a row per claim (verdict, the number that decides it with its
 * spread, a link to its section), the "choose sessions when… / choose JWTs when…" lists drawn from this run's
 * verdicts (choose.ts), and a banner when the run's noise guard failed. Pure: results in, values out.
 */
import { guardState, isWithheld, MEASURED_ELSEWHERE } from '../lib/run-gate.js'
import { type ChoiceLists, chooseFrom } from './choose.js'
import { CLAIM_CATALOGUE, labelAnswers } from './claims.js'
import { decidingFigure } from './deciding.js'
import type { ExperimentResult, ResultsFile, Verdict } from './schema.js'
import { upgradeResults } from './upgrade.js'

export type RowState =
  | 'supported'
  | 'refuted'
  | 'mixed'
  | 'inconclusive'
  | 'smoke'
  | 'withheld'
  | 'no-verdict'
  | 'no-experiment'
  | 'failed'

export interface SummaryRow {
  id: string
  claim: string
  state: RowState
  /** What the verdict column shows. */
  verdict: string
  /** The one number that decides it, with its spread; null when this run has none. */
  figure: string | null
  /** The section to read: its title (the renderers turn it into an anchor). */
  section: string | null
  /** A short name for the link (the experiment id: overhead, restart, …). */
  sectionId: string | null
}

export interface Summary {
  smoke: boolean
  /** Set when the run's noise guard (the overhead experiment's) failed: what that means for the rows. */
  banner: string | null
  rows: SummaryRow[]
  choose: ChoiceLists
}

/** Which experiment normally answers each claim: used to tell "failed" from "not run". */
const DEFAULT_EXPERIMENT: Record<string, string> = {
  C1: 'overhead',
  C4: 'overhead',
  C10: 'overhead',
  C12: 'overhead',
  C2: 'restart',
  C3: 'lb',
  C5: 'revocation',
  C6: 'revocation',
  C7: 'reuse',
  C8: 'ttl',
  C9: 'size',
  C11: 'attacks',
  C13: 'memory',
  storm: 'storm',
  rotation: 'rotation',
}

export const STATE_TEXT: Record<RowState, string> = {
  supported: '✔ supported',
  refuted: '✘ refuted',
  mixed: '◐ mixed',
  inconclusive: '? inconclusive',
  smoke: 'smoke run: no verdict',
  withheld: '– withheld: noisy run',
  'no-verdict': 'no verdict',
  'no-experiment': 'no experiment in this run',
  failed: 'experiment failed',
}

interface Matched {
  verdict: Verdict
  experiment: ExperimentResult
}

function matches(results: ResultsFile, id: string, experiments: readonly string[]): Matched[] {
  const out: Matched[] = []
  for (const e of results.experiments) {
    for (const v of e.verdicts) {
      if (labelAnswers(v.claim, id) || (experiments.includes(e.id) && !/^C\d+\b/.test(v.claim)))
        out.push({ verdict: v, experiment: e })
    }
  }
  return out
}

/**
 * Why a verdict is inconclusive, in the words its rule wrote ("round 5: stateful-sqlite 41.2 µs vs stateful-memory
 * 40.0 µs, … within the between-round spread 6.0 µs"; "only 1 paired round(s); at least 3 are needed"), so the
 * summary row says which numbers overlapped, not only that something did (review R11). Null when it gives none.
 */
export function undecidedWhy(text: string): string | null {
  const m =
    /Inconclusive: (.+?)\. Rerun/.exec(text) ??
    /[Nn]ot decided: (.+?)\.(?:\s|$)/.exec(text) ??
    /not decided \((.+?)\)/.exec(text)
  if (!m?.[1]) return null
  const why = m[1].trim()
  return why.length > 200 ? `${why.slice(0, 199)}…` : why
}

/** One status for a claim answered by several verdicts (C3 sessions / JWT / failover): agree, or mixed. */
function combine(statuses: string[]): RowState {
  if (statuses.length === 0) return 'no-verdict'
  if (statuses.includes('inconclusive')) return 'inconclusive'
  const first = statuses[0] as RowState
  return statuses.every((s) => s === first) ? first : 'mixed'
}

/**
 * The summary's own line when the run's noise guard failed: what that does to the rows below (the overhead
 * experiment's banner above it has the details). Null when the guard passed or the run had none.
 */
export function noiseBanner(results: ResultsFile): string | null {
  if (results.context.options.quick === true) return null
  if (guardState(results.experiments) !== 'failed') return null
  const measured = ['C1', 'C4', 'C10', 'C12', ...Object.keys(MEASURED_ELSEWHERE)]
  // One plain sentence first (review R6: the accounting came first, in nested parentheses); then what stays in the
  // figures, which the accounting hid: rounds flagged and not re-run are not left out.
  const noise = (
    results.experiments.find((e) => e.id === 'overhead')?.raw as { noise?: Record<string, unknown> }
  )?.noise
  const n = (k: string) => (typeof noise?.[k] === 'number' ? (noise[k] as number) : null)
  const rounds = n('rounds')
  const kept = n('notRerun') ?? 0 // flagged, not re-run (--quick, or once the run had failed): still counted
  const leftOut = n('stillNoisy')
  const inFigures =
    rounds === null
      ? ''
      : ` Of its ${rounds} measured rounds, ${leftOut ?? 0} were left out and ${kept} flagged as noisy are still in the figures.`
  return `Noisy run: the speed and CPU numbers in this report are not evidence. The machine was busy or running slow during the run (the noise guard failed; details in the overhead section).${inFigures} So the claims decided from speed or CPU (${measured.join(', ')}) show no verdict, and the capacity model's cores rest on the same figures. The other rows are counted outcomes (accepted or refused requests, who stayed logged in) and bytes of heap against their own resolution, which a slow or busy host does not change. Re-run on a quiet machine to decide the rest.`
}

export function buildSummary(file: ResultsFile): Summary {
  // Today's rules on files written before them (upgrade.ts: the run-wide gate, C1/C4 per store, …).
  const results = upgradeResults(file)
  const smoke = results.context.options.quick === true
  const rows: SummaryRow[] = CLAIM_CATALOGUE.map((c) => {
    const home = DEFAULT_EXPERIMENT[c.id]
    const found = matches(results, c.id, c.experiments ?? [])
    const homeResult = results.experiments.find((e) => e.id === home)
    const sectionOf = found[0]?.experiment ?? homeResult
    const section = sectionOf?.title ?? null
    const explicit = found.map((m) => m.verdict.figure).find((f) => typeof f === 'string') ?? null
    const figure = explicit ?? decidingFigure(results, c.id)
    let state: RowState
    if (found.length === 0) state = homeResult?.error ? 'failed' : homeResult ? 'no-verdict' : 'no-experiment'
    else if (smoke) state = 'smoke'
    // Withdrawn by the noise guard (every verdict of the claim): not "inconclusive", which means the numbers
    // overlapped in a run that could decide (review R5).
    else if (found.every((m) => isWithheld(m.verdict))) state = 'withheld'
    else state = combine(found.flatMap((m) => (m.verdict.status ? [m.verdict.status] : [])))
    // A run without the overhead experiment has no guard at all: its CPU claims are withheld for that reason.
    let verdict =
      state === 'withheld' && guardState(results.experiments) === 'absent'
        ? '– withheld: no noise guard in this run'
        : STATE_TEXT[state]
    const labelled = found.filter((m) => m.verdict.status)
    // A claim decided in parts (C3's sessions / JWT / failover, C1 and C4 per store) names each part's verdict,
    // also when one part left the row inconclusive: the parts that were decided are still evidence.
    const parts = new Set(labelled.map((m) => m.verdict.status))
    if ((state === 'mixed' || state === 'inconclusive') && labelled.length > 1 && parts.size > 1)
      verdict = `${STATE_TEXT[state]}: ${labelled.map((m) => `${m.verdict.claim.replace(c.id, '').trim() || c.id} ${m.verdict.status}`).join(' · ')}`
    if (state === 'inconclusive') {
      const whys = found.flatMap((m) => {
        const why = m.verdict.status === 'inconclusive' ? undecidedWhy(m.verdict.text) : null
        const part = m.verdict.claim.replace(c.id, '').trim()
        return why ? [`${part ? `${part} ` : ''}${why}`] : []
      })
      if (whys.length > 0) verdict = `${verdict} — ${whys.join('; ')}`
    }
    return { id: c.id, claim: c.text, state, verdict, figure, section, sectionId: sectionOf?.id ?? null }
  })
  const decided = new Map<string, RowState>()
  for (const r of rows) decided.set(r.id, r.state)
  // Labelled sub-verdicts ("C3 (JWT)") too: a rule may need one part of a claim, whatever the combined row says.
  for (const e of results.experiments)
    for (const v of e.verdicts)
      if (/^C\d+ \(/.test(v.claim) && !decided.has(v.claim))
        decided.set(v.claim, smoke ? 'smoke' : ((v.status as RowState | undefined) ?? 'no-verdict'))
  return { smoke, banner: noiseBanner(results), rows, choose: chooseFrom(decided, results) }
}
