/**
 * The one-screen summary at the top of every report: a row per claim (verdict, the number that decides it with its
 * spread, a link to its section), the "choose sessions when… / choose JWTs when…" lists drawn from this run's
 * verdicts (choose.ts), and a banner when the run's noise guard failed. Pure: results in, values out.
 */
import { type ChoiceLists, chooseFrom } from './choose.js'
import { CLAIM_CATALOGUE, labelAnswers } from './claims.js'
import { decidingFigure } from './deciding.js'
import type { ExperimentResult, ResultsFile, Verdict } from './schema.js'

export type RowState =
  | 'supported'
  | 'refuted'
  | 'mixed'
  | 'inconclusive'
  | 'smoke'
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
  /** Set when results.json says the noise guard failed; absent in files from before the guard. */
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

/** One status for a claim answered by several verdicts (C3 sessions / JWT / failover): agree, or mixed. */
function combine(statuses: string[]): RowState {
  if (statuses.length === 0) return 'no-verdict'
  if (statuses.includes('inconclusive')) return 'inconclusive'
  const first = statuses[0] as RowState
  return statuses.every((s) => s === first) ? first : 'mixed'
}

/** The `noise` record the instrument writes (top level or in context); `passed: false` means a noisy run. */
export function noiseBanner(results: ResultsFile): string | null {
  const r = results as unknown as { noise?: unknown; context: { noise?: unknown } }
  const noise = (r.noise ?? r.context.noise) as Record<string, unknown> | undefined
  if (!noise || typeof noise !== 'object' || noise.passed !== false) return null
  const said = [noise.summary, noise.message, noise.reason].find((x) => typeof x === 'string')
  const rounds = Array.isArray(noise.rounds)
    ? ` ${noise.rounds.length} round(s) were checked.`
    : typeof noise.rounds === 'number'
      ? ` ${noise.rounds} round(s) were checked.`
      : ''
  return `Noisy run: other work on this machine competed with the measurement, so its verdicts cannot be trusted.${said ? ` ${said}` : ''}${rounds} Re-run on a quiet machine before deciding anything from these numbers.`
}

export function buildSummary(results: ResultsFile): Summary {
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
    else state = combine(found.flatMap((m) => (m.verdict.status ? [m.verdict.status] : [])))
    let verdict = STATE_TEXT[state]
    const labelled = found.filter((m) => m.verdict.status)
    if (state === 'mixed' && labelled.length > 1)
      verdict = `${STATE_TEXT.mixed}: ${labelled.map((m) => `${m.verdict.claim.replace(c.id, '').trim() || c.id} ${m.verdict.status}`).join(' · ')}`
    return { id: c.id, claim: c.text, state, verdict, figure, section, sectionId: sectionOf?.id ?? null }
  })
  const decided = new Map<string, RowState>()
  for (const r of rows) decided.set(r.id, r.state)
  return { smoke, banner: noiseBanner(results), rows, choose: chooseFrom(decided, results) }
}
