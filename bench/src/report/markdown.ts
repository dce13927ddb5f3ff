import type { RenderedChart } from './charts.js'
import { contextRows, formatCell } from './format.js'
import type { Cell, ExperimentResult, ResultsFile, Table } from './schema.js'

const STATUS_MARK: Record<string, string> = {
  supported: '✔ supported',
  refuted: '✘ refuted',
  mixed: '◐ mixed',
  inconclusive: '? inconclusive',
}

function escapeCell(v: Cell): string {
  return formatCell(v).replace(/\|/g, '\\|').replace(/\n/g, ' ')
}

export function markdownTable(t: Table): string {
  const lines = [
    `| ${t.columns.map((c) => escapeCell(c)).join(' | ')} |`,
    `|${t.columns.map(() => '---').join('|')}|`,
  ]
  for (const row of t.rows) lines.push(`| ${row.map(escapeCell).join(' | ')} |`)
  return lines.join('\n')
}

function experimentMarkdown(e: ExperimentResult, charts: RenderedChart[]): string {
  const out: string[] = [`## ${e.title}`, '']
  if (e.banner) out.push(`> **⚠ ${e.banner}**`, '')
  if (e.error) {
    out.push('**This experiment failed; no results.**', '', '```', e.error, '```', '')
    return out.join('\n')
  }
  if (e.claims.length > 0) {
    out.push('**Claims tested**', '')
    for (const c of e.claims) out.push(`- **${c.id}** ${c.text}`)
    out.push('')
  }
  if (e.method) out.push('### Method', '', e.method.trim(), '')
  if (e.verdicts.length > 0) {
    out.push('### Verdicts', '')
    for (const v of e.verdicts)
      out.push(`- **${v.claim}**${v.status ? ` (${STATUS_MARK[v.status]})` : ''}: ${v.text}`)
    out.push('')
  }
  if (e.invalid.length > 0) {
    out.push('### Invalid (excluded from every summary)', '')
    for (const i of e.invalid) out.push(`- \`${i.variant}\`: ${i.reason}`)
    out.push('')
  }
  const table = (t: Table) => {
    out.push(`### ${t.title}`, '', markdownTable(t), '')
    for (const n of t.notes ?? []) out.push(`_${n}_`, '')
  }
  // The headline table, then the charts, then the detail tables.
  if (e.tables[0]) table(e.tables[0])
  for (const c of charts.filter((c) => c.experimentId === e.id)) {
    out.push(`### ${c.title}`, '', `![${c.title}](${c.file})`, '')
    if (c.caption) out.push(`_${c.caption}_`, '')
  }
  for (const t of e.tables.slice(1)) table(t)
  if (e.notes && e.notes.length > 0) {
    out.push('### Notes', '')
    for (const n of e.notes) out.push(`- ${n}`)
    out.push('')
  }
  if (e.durationSec !== undefined) out.push(`<sub>${e.id}: ${Math.round(e.durationSec)} s</sub>`, '')
  return out.join('\n')
}

/** report.md: context and method first, then each experiment; charts embedded as the SVG files beside it. */
export function renderMarkdown(results: ResultsFile, charts: RenderedChart[]): string {
  const ctx = results.context
  const out: string[] = [
    '# Auth Lab benchmark report',
    '',
    ...results.experiments.filter((e) => e.banner).map((e) => `> **⚠ ${e.title}: ${e.banner}**\n`),
    'Generated from `results.json` by `pnpm bench:report`. Numbers are from one machine; ratios, added µs and server CPU per request transfer better than absolute req/s. See docs/benchmarks.md for the method and what each number does not mean.',
    '',
    '## Context',
    '',
    '| | |',
    '|---|---|',
    ...contextRows(ctx).map(([k, v]) => `| ${k} | ${v.replace(/\|/g, '\\|')} |`),
    '',
  ]
  for (const n of ctx.notes) out.push(`- ${n}`)
  out.push('')
  out.push('## Contents', '')
  for (const e of results.experiments)
    out.push(`- [${e.title}](#${slug(e.title)})${e.error ? ' — failed' : ''}`)
  out.push('')
  for (const e of results.experiments) out.push(experimentMarkdown(e, charts))
  return `${out
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim()}\n`
}

/** GitHub's heading anchor rule (lowercase, spaces → '-', punctuation dropped). */
export function slug(title: string): string {
  return title
    .toLowerCase()
    .replace(/[^\p{L}\p{N} -]/gu, '')
    .replace(/ /g, '-')
}
