/**
 * `pnpm bench:compare a.json b.json`: how two runs differ, per variant and per claim, with both runs'
 * between-round spreads. A change is "within noise" when |b − a| is no larger than the wider of the two spreads
 * (max − min over rounds); a figure measured in fewer than 2 rounds has no spread, so its change is "spread unknown"
 * rather than called either way. Per claim: the overhead claims' deciding differences (variant − variant, per round)
 * get the same treatment, and every claim of the catalogue is listed with both runs' verdict and deciding number.
 * Markdown to stdout.
 */
import { guardState } from '../lib/run-gate.js'
import { type Summary, summarize } from '../lib/stats.js'
import type { ExperimentResult, ResultsFile } from './schema.js'
import { buildSummary } from './summary.js'

interface Series {
  id: string
  s: Summary
}

/** The per-variant figures of one layer, from an overhead experiment's raw data (older files may lack a layer). */
function series(e: ExperimentResult | undefined, layer: 'inprocess' | 'http'): Series[] {
  const raw = (e?.raw ?? {}) as {
    inprocess?: { id: string; valid: boolean; addedNs: Summary | null }[]
    variants?: { id: string; valid: boolean; cpuAddedUs: Summary | null }[]
  }
  if (layer === 'inprocess') {
    return (raw.inprocess ?? [])
      .filter((v) => v.valid && v.addedNs)
      .map((v) => ({
        id: v.id,
        s: {
          ...v.addedNs!,
          median: v.addedNs!.median / 1000,
          min: v.addedNs!.min / 1000,
          max: v.addedNs!.max / 1000,
        },
      }))
  }
  return (raw.variants ?? [])
    .filter((v) => v.valid && v.cpuAddedUs)
    .map((v) => ({ id: v.id, s: v.cpuAddedUs! }))
}

export interface Delta {
  id: string
  a: Summary | null
  b: Summary | null
  delta: number | null
  relative: number | null
  withinNoise: boolean | null
}

export function deltas(a: Series[], b: Series[]): Delta[] {
  const ids = [...new Set([...a.map((x) => x.id), ...b.map((x) => x.id)])]
  return ids.map((id) => {
    const x = a.find((v) => v.id === id)?.s ?? null
    const y = b.find((v) => v.id === id)?.s ?? null
    if (!x || !y) return { id, a: x, b: y, delta: null, relative: null, withinNoise: null }
    const delta = y.median - x.median
    const spread = Math.max(x.max - x.min, y.max - y.min)
    return {
      id,
      a: x,
      b: y,
      delta,
      relative: x.median === 0 ? null : delta / Math.abs(x.median),
      // One round has no between-round spread: nothing to call the change within or beyond.
      withinNoise: x.n < 2 || y.n < 2 ? null : Math.abs(delta) <= spread,
    }
  })
}

const f1 = (x: number) => x.toFixed(1)
const cell = (s: Summary | null) =>
  s ? `${f1(s.median)} (${f1(s.min)}–${f1(s.max)})${s.n < 2 ? ` [${s.n} round]` : ''}` : 'not measured'
const mark = (d: Delta) =>
  d.withinNoise === null
    ? d.delta === null
      ? '–'
      : 'spread unknown (< 2 rounds)'
    : d.withinNoise
      ? 'within noise'
      : '**beyond noise**'

/**
 * The differences the overhead claims are decided on (verdicts.ts): first variant − second, per round. The same
 * pairs, so a claim's change between runs is judged on the number that decided it.
 */
export const CLAIM_PAIRS: readonly { claim: string; a: string; b: string }[] = [
  { claim: 'C1', a: 'stateless-hs256-none', b: 'stateful-sqlite' },
  { claim: 'C1', a: 'stateless-hs256-none', b: 'stateful-redis' },
  { claim: 'C4', a: 'stateful-sqlite', b: 'stateful-memory' },
  { claim: 'C4', a: 'stateful-redis', b: 'stateful-memory' },
  { claim: 'C10', a: 'stateless-rs256', b: 'stateless-hs256-none' },
  { claim: 'C10', a: 'stateless-es256', b: 'stateless-hs256-none' },
  { claim: 'C10', a: 'stateless-eddsa', b: 'stateless-hs256-none' },
  { claim: 'C12', a: 'stateless-hs256-denylist', b: 'stateful-sqlite' },
  { claim: 'C12', a: 'stateless-hs256-version', b: 'stateful-sqlite' },
]

/** Per-round µs differences of one claim pair in one run (paired rounds only), or null when either is missing. */
function pairSeries(e: ExperimentResult | undefined, a: string, b: string): Summary | null {
  const raw = (e?.raw ?? {}) as {
    inprocess?: { id: string; valid: boolean; addedByRound?: (number | null)[] }[]
  }
  const x = raw.inprocess?.find((v) => v.id === a && v.valid)?.addedByRound
  const y = raw.inprocess?.find((v) => v.id === b && v.valid)?.addedByRound
  if (!x || !y) return null
  const diffs: number[] = []
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const p = x[i]
    const q = y[i]
    if (typeof p === 'number' && typeof q === 'number') diffs.push((p - q) / 1000)
  }
  return diffs.length > 0 ? summarize(diffs) : null
}

function table(title: string, ds: Delta[]): string[] {
  if (ds.length === 0) return [`### ${title}`, '', '_Not in either file._', '']
  return [
    `### ${title}`,
    '',
    '| variant | run A median (min–max) | run B median (min–max) | B − A | B ÷ A − 1 | change |',
    '|---|---|---|---|---|---|',
    ...ds.map(
      (d) =>
        `| ${d.id} | ${cell(d.a)} | ${cell(d.b)} | ${d.delta === null ? '–' : `${d.delta >= 0 ? '+' : '−'}${f1(Math.abs(d.delta))}`} | ${d.relative === null ? '–' : `${(d.relative * 100).toFixed(1)} %`} | ${mark(d)} |`,
    ),
    '',
  ]
}

function describeRun(r: ResultsFile, label: string): string {
  const guard = { passed: 'passed', failed: 'FAILED', absent: 'not recorded' }[guardState(r.experiments)]
  return `- **${label}**: ${r.context.runId}, commit ${r.context.git.commit?.slice(0, 10) ?? '?'}${r.context.git.dirty ? ' (dirty)' : ''}, ${r.context.options.quick ? 'smoke (--quick)' : 'full'} run, noise guard ${guard}`
}

export function compareMarkdown(a: ResultsFile, b: ResultsFile): string {
  const ea = a.experiments.find((x) => x.id === 'overhead')
  const eb = b.experiments.find((x) => x.id === 'overhead')
  const inproc = deltas(series(ea, 'inprocess'), series(eb, 'inprocess'))
  const http = deltas(series(ea, 'http'), series(eb, 'http'))
  const pairs = CLAIM_PAIRS.flatMap((p) => {
    const id = `${p.claim}: ${p.a} − ${p.b}`
    const x = pairSeries(ea, p.a, p.b)
    const y = pairSeries(eb, p.a, p.b)
    return deltas(x ? [{ id, s: x }] : [], y ? [{ id, s: y }] : [])
  })
  const sa = buildSummary(a)
  const sb = buildSummary(b)
  const moved = [...inproc, ...http, ...pairs].filter((d) => d.withinNoise === false).length
  return [
    '## bench:compare',
    '',
    describeRun(a, 'A'),
    describeRun(b, 'B'),
    '',
    `"Within noise" = |B − A| ≤ the wider of the two runs' between-round spreads (max − min); a figure from fewer than 2 rounds has no spread ("spread unknown"). ${moved} figure(s) moved beyond noise.`,
    '',
    ...table('In-process: added µs per request (path − /public, per round)', inproc),
    ...table('HTTP: server CPU added µs per request', http),
    ...table(
      'Claims: the in-process differences the overhead verdicts are decided on (µs, per round)',
      pairs,
    ),
    '### Claims: verdict and deciding number in each run',
    '',
    '| claim | run A | run B | verdict |',
    '|---|---|---|---|',
    ...sa.rows.map((ra) => {
      const rb = sb.rows.find((r) => r.id === ra.id)
      const x = `${ra.verdict}${ra.figure ? ` — ${ra.figure}` : ''}`
      const y = rb ? `${rb.verdict}${rb.figure ? ` — ${rb.figure}` : ''}` : 'not in run B'
      return `| ${ra.id} | ${x} | ${y} | ${rb && rb.state === ra.state ? 'same' : '**changed**'} |`
    }),
    '',
  ].join('\n')
}
