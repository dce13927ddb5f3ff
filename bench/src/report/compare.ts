/**
 * `pnpm bench:compare a.json b.json`: how two runs' overhead results differ, per variant and per claim, with both
 * runs' between-round spreads. A change is "within noise" when |b − a| is no larger than the wider of the two
 * spreads (max − min over rounds). Markdown to stdout.
 */
import type { Summary } from '../lib/stats.js'
import type { ExperimentResult, ResultsFile } from './schema.js'

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
      withinNoise: Math.abs(delta) <= spread,
    }
  })
}

const f1 = (x: number) => x.toFixed(1)
const cell = (s: Summary | null) => (s ? `${f1(s.median)} (${f1(s.min)}–${f1(s.max)})` : 'not measured')

function table(title: string, ds: Delta[]): string[] {
  if (ds.length === 0) return [`### ${title}`, '', '_Not in either file._', '']
  return [
    `### ${title}`,
    '',
    '| variant | run A median (min–max) | run B median (min–max) | B − A | B ÷ A − 1 | change |',
    '|---|---|---|---|---|---|',
    ...ds.map(
      (d) =>
        `| ${d.id} | ${cell(d.a)} | ${cell(d.b)} | ${d.delta === null ? '–' : `${d.delta >= 0 ? '+' : '−'}${f1(Math.abs(d.delta))}`} | ${d.relative === null ? '–' : `${(d.relative * 100).toFixed(1)} %`} | ${d.withinNoise === null ? '–' : d.withinNoise ? 'within noise' : '**beyond noise**'} |`,
    ),
    '',
  ]
}

function describeRun(r: ResultsFile, label: string): string {
  const e = r.experiments.find((x) => x.id === 'overhead')
  const noise = (e?.raw as { noise?: { passed: boolean } } | undefined)?.noise
  return `- **${label}**: ${r.context.runId}, commit ${r.context.git.commit?.slice(0, 10) ?? '?'}${r.context.git.dirty ? ' (dirty)' : ''}, ${r.context.options.quick ? 'smoke (--quick)' : 'full'} run, noise guard ${noise ? (noise.passed ? 'passed' : 'FAILED') : 'not recorded'}`
}

export function compareMarkdown(a: ResultsFile, b: ResultsFile): string {
  const ea = a.experiments.find((x) => x.id === 'overhead')
  const eb = b.experiments.find((x) => x.id === 'overhead')
  const inproc = deltas(series(ea, 'inprocess'), series(eb, 'inprocess'))
  const http = deltas(series(ea, 'http'), series(eb, 'http'))
  const claims = [...new Set([...(ea?.verdicts ?? []), ...(eb?.verdicts ?? [])].map((v) => v.claim))]
  const status = (e: ExperimentResult | undefined, c: string) => {
    const v = e?.verdicts.find((x) => x.claim === c)
    return v ? (v.status ?? 'no badge') : 'not answered'
  }
  const moved = [...inproc, ...http].filter((d) => d.withinNoise === false).length
  return [
    '## bench:compare — overhead',
    '',
    describeRun(a, 'A'),
    describeRun(b, 'B'),
    '',
    `"Within noise" = |B − A| ≤ the wider of the two runs' between-round spreads (max − min). ${moved} figure(s) moved beyond noise.`,
    '',
    ...table('In-process: added µs per request (path − /public, per round)', inproc),
    ...table('HTTP: server CPU added µs per request', http),
    '### Claims',
    '',
    '| claim | run A | run B | |',
    '|---|---|---|---|',
    ...claims.map((c) => {
      const x = status(ea, c)
      const y = status(eb, c)
      return `| ${c} | ${x} | ${y} | ${x === y ? 'same' : '**changed**'} |`
    }),
    '',
  ].join('\n')
}
