import { CAPACITY_TITLE, capacityMarkdown } from './capacity-render.js'
import type { RenderedChart } from './charts.js'
import { contextRows, fontSafe, formatCell } from './format.js'
import type { Cell, ExperimentResult, ResultsFile, Table } from './schema.js'
import { slug } from './slug.js'
import { buildSummary } from './summary.js'
import { summaryMarkdown } from './summary-render.js'

/** Tables longer than this are folded under <details> (GitHub renders Markdown inside it after a blank line). */
export const FOLD_ROWS = 20

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

function experimentMarkdown(e: ExperimentResult, charts: RenderedChart[], smoke: boolean): string {
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
    // A smoke run (--quick) decides nothing: its figures are shown, its badges are not.
    for (const v of e.verdicts)
      out.push(
        `- **${v.claim}**${v.status ? ` (${smoke ? 'smoke run: no verdict' : STATUS_MARK[v.status]})` : ''}: ${v.text}`,
      )
    out.push('')
  }
  if (e.invalid.length > 0) {
    out.push('### Invalid (excluded from every summary)', '')
    for (const i of e.invalid) out.push(`- \`${i.variant}\`: ${i.reason}`)
    out.push('')
  }
  const table = (t: Table) => {
    out.push(`### ${t.title}`, '')
    if (t.rows.length > FOLD_ROWS)
      out.push(
        `<details><summary>${t.rows.length} rows (click to expand)</summary>`,
        '',
        markdownTable(t),
        '',
        '</details>',
        '',
      )
    else out.push(markdownTable(t), '')
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
  const summary = buildSummary(results)
  const out: string[] = [
    '# Auth Lab benchmark report',
    '',
    // The summary's plain banner first, then each experiment's own (its accounting), then the summary.
    ...(summary.banner ? [`> **⚠ ${summary.banner}**`, ''] : []),
    ...results.experiments.filter((e) => e.banner).map((e) => `> ⚠ ${e.title}: ${e.banner}\n`),
    summaryMarkdown({ ...summary, banner: null }),
    '',
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
  out.push(`- [${CAPACITY_TITLE}](#${slug(CAPACITY_TITLE)})`, '')
  for (const e of results.experiments) out.push(experimentMarkdown(e, charts, ctx.options.quick === true))
  out.push(capacityMarkdown(results))
  return fontSafe(
    `${out
      .join('\n')
      .replace(/\n{3,}/g, '\n\n')
      .trim()}\n`,
  )
}

export { slug }
