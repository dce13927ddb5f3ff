/**
 * A results file as today's rules read it, from its own recorded data (nothing is measured again). Every reader of
 * a results.json — the report renderers, the summary, bench:compare, docs/choosing.md — goes through this, so a
 * file written before a rule changed renders as a new one would:
 * - the run-wide gate on measured claims (lib/run-gate.ts);
 * - C1 and C4 per store (session 11, review R1): a file that measured Redis but decided both claims on SQLite
 *   alone gets them re-decided from its per-round in-process figures, with the same evidence rule and gate;
 * - the storm chart redrawn from its buckets (session 11, review R4: it had drawn 4× the table's peak), and the
 *   overhead charts from their data with today's specs (older ones cut long variant names short);
 * - the restart experiment's sessions verdict labelled "C2 (sessions)", as the scenario has labelled it since;
 * - C13's sentence from the memory readings with today's wording (what the heap does and does not decide).
 * Idempotent: an upgraded file comes back unchanged.
 */
import { gateMeasured } from '../lib/run-gate.js'
import type { MemoryPoint } from '../scenarios/memory/measure.js'
import { memoryVerdicts } from '../scenarios/memory/report.js'
import type { InprocVariant } from '../scenarios/overhead/inprocess/summary.js'
import type { VariantSummary } from '../scenarios/overhead/summary.js'
import { decompositionChart, ratioChart } from '../scenarios/overhead/tables.js'
import { decompose, evidenceFrom, verdictC1, verdictC4 } from '../scenarios/overhead/verdicts.js'
import type { StormCase, StormSizes } from '../scenarios/storm/measure.js'
import { stormChart } from '../scenarios/storm/report.js'
import type { ExperimentResult, ResultsFile } from './schema.js'

/** The overhead charts drawn again from their data with today's specs (older ones cut variant names at 260 px). */
function overheadCharts(e: ExperimentResult): ExperimentResult {
  if (e.id !== 'overhead') return e
  const raw = e.raw as { inprocess?: InprocVariant[]; variants?: VariantSummary[] } | null | undefined
  if (!raw?.inprocess || !raw.variants) return e
  const fresh = [
    ratioChart(raw.variants),
    decompositionChart(decompose(evidenceFrom(raw.inprocess, raw.variants))),
  ]
  return { ...e, charts: e.charts.map((c) => fresh.find((f) => f.id === c.id) ?? c) }
}

function perStore(e: ExperimentResult, quick: boolean): ExperimentResult {
  if (e.id !== 'overhead' || e.verdicts.some((v) => /^C[14] \(/.test(v.claim))) return e
  const raw = e.raw as
    | { inprocess?: InprocVariant[]; variants?: VariantSummary[]; noise?: { passed?: boolean } }
    | null
    | undefined
  if (!raw?.inprocess || !raw.variants || typeof raw.noise?.passed !== 'boolean') return e
  const evs = evidenceFrom(raw.inprocess, raw.variants)
  if (!evs.some((x) => x.id === 'stateful-redis')) return e
  const gate = { smoke: quick, noisePassed: raw.noise.passed, source: 'in-process layer' }
  return {
    ...e,
    verdicts: e.verdicts.flatMap((v) =>
      v.claim === 'C1' ? verdictC1(evs, gate) : v.claim === 'C4' ? verdictC4(evs, gate) : [v],
    ),
  }
}

/** C13 re-worded from the same heap readings (session 11, review R7: the ✔ read as "JWTs keep no state"). */
function memoryReworded(e: ExperimentResult): ExperimentResult {
  if (e.id !== 'memory') return e
  const raw = e.raw as { points?: MemoryPoint[] } | null | undefined
  if (!raw?.points || raw.points.length === 0) return e
  return { ...e, verdicts: memoryVerdicts(raw.points) }
}

/** Restart files from before its sessions verdict was labelled: "C2" beside "C2 (stateless)" read "C2 mixed". */
function labelledRestart(e: ExperimentResult): ExperimentResult {
  if (e.id !== 'restart' || !e.verdicts.some((v) => v.claim === 'C2 (stateless)')) return e
  return { ...e, verdicts: e.verdicts.map((v) => (v.claim === 'C2' ? { ...v, claim: 'C2 (sessions)' } : v)) }
}

function stormRedrawn(e: ExperimentResult): ExperimentResult {
  if (e.id !== 'storm') return e
  const raw = e.raw as { cases?: StormCase[]; sizes?: StormSizes } | null | undefined
  if (!raw?.cases || !raw.sizes?.bucketMs) return e
  const chart = stormChart(raw.cases, raw.sizes.bucketMs)
  return { ...e, charts: e.charts.map((c) => (c.id === chart.id ? chart : c)) }
}

export function upgradeResults(file: ResultsFile): ResultsFile {
  const quick = file.context.options.quick === true
  const experiments = file.experiments.map((e) =>
    memoryReworded(labelledRestart(stormRedrawn(overheadCharts(perStore(e, quick))))),
  )
  return { ...file, experiments: gateMeasured(experiments) }
}
