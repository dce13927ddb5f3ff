import { CAPACITY_TITLE, capacityBody } from './capacity-render.js'
import type { RenderedChart } from './charts.js'
import { contextRows, fontSafe, formatCell } from './format.js'
import { escapeHtml } from './html-escape.js'
import { slug } from './slug.js'
import { buildSummary } from './summary.js'
import { summaryHtml } from './summary-render.js'

/** Tables longer than this are folded under <details>. */
const FOLD_ROWS = 20

import type { ExperimentResult, ResultsFile, Table } from './schema.js'

export { escapeHtml }

/** Inline Markdown of the subset experiments use: `code`, **bold**, _italic_. Input is escaped first. */
function inline(s: string): string {
  return escapeHtml(s)
    .replace(/`([^`]+)`/g, '<code>$1</code>')
    .replace(/\*\*([^*]+)\*\*/g, '<strong>$1</strong>')
    .replace(/(^|[\s(])_([^_]+)_(?=[\s).,;:]|$)/g, '$1<em>$2</em>')
}

/** Block Markdown subset: paragraphs separated by blank lines, `- ` bullet lists. */
export function markdownToHtml(md: string): string {
  const out: string[] = []
  for (const block of md.trim().split(/\n\s*\n/)) {
    const lines = block.split('\n')
    if (lines.every((l) => /^\s*[-*] /.test(l) || /^\s{2,}\S/.test(l))) {
      const items: string[] = []
      for (const l of lines) {
        if (/^\s*[-*] /.test(l)) items.push(l.replace(/^\s*[-*] /, ''))
        else items[items.length - 1] += ` ${l.trim()}`
      }
      out.push(`<ul>${items.map((i) => `<li>${inline(i)}</li>`).join('')}</ul>`)
    } else {
      out.push(`<p>${inline(lines.join(' '))}</p>`)
    }
  }
  return out.join('\n')
}

function tableHtml(t: Table): string {
  const head = `<tr>${t.columns.map((c) => `<th>${escapeHtml(c)}</th>`).join('')}</tr>`
  const rows = t.rows
    .map(
      (r) =>
        `<tr>${r.map((v) => `<td${typeof v === 'number' ? ' class="num"' : ''}>${escapeHtml(formatCell(v))}</td>`).join('')}</tr>`,
    )
    .join('\n')
  const notes = (t.notes ?? []).map((n) => `<p class="note">${inline(n)}</p>`).join('')
  const body = `<div class="scroll"><table>\n${head}\n${rows}\n</table></div>`
  const folded =
    t.rows.length > FOLD_ROWS
      ? `<details><summary>${t.rows.length} rows (click to expand)</summary>\n${body}\n</details>`
      : body
  return `<h3>${escapeHtml(t.title)}</h3>\n${folded}${notes}`
}

/** The SVG as an inline element: drop any XML prolog so it can live inside HTML. */
function inlineSvg(svg: string): string {
  return svg.replace(/^<\?xml[^>]*>\s*/, '')
}

function experimentHtml(e: ExperimentResult, charts: RenderedChart[], smoke: boolean): string {
  const out: string[] = [`<section id="${slug(e.title)}">`, `<h2>${escapeHtml(e.title)}</h2>`]
  if (e.error) {
    out.push(
      '<p class="bad"><strong>This experiment failed; no results.</strong></p>',
      `<pre>${escapeHtml(e.error)}</pre>`,
      '</section>',
    )
    return out.join('\n')
  }
  if (e.banner) out.push(`<p class="banner">⚠ ${inline(e.banner)}</p>`)
  if (e.claims.length > 0) {
    out.push('<h3>Claims tested</h3><ul>')
    for (const c of e.claims) out.push(`<li><strong>${escapeHtml(c.id)}</strong> ${inline(c.text)}</li>`)
    out.push('</ul>')
  }
  if (e.method) out.push('<h3>Method</h3>', markdownToHtml(e.method))
  if (e.verdicts.length > 0) {
    out.push('<h3>Verdicts</h3><ul class="verdicts">')
    for (const v of e.verdicts) {
      // A smoke run (--quick) decides nothing: its figures are shown, its badges are not.
      const status = !v.status
        ? ''
        : smoke
          ? ' <span class="status">smoke run: no verdict</span>'
          : ` <span class="status ${v.status}">${v.status}</span>`
      out.push(`<li><strong>${escapeHtml(v.claim)}</strong>${status}: ${inline(v.text)}</li>`)
    }
    out.push('</ul>')
  }
  if (e.invalid.length > 0) {
    out.push('<h3>Invalid (excluded from every summary)</h3><ul class="bad">')
    for (const i of e.invalid) out.push(`<li><code>${escapeHtml(i.variant)}</code>: ${inline(i.reason)}</li>`)
    out.push('</ul>')
  }
  // The headline table, then the charts, then the detail tables (same order as report.md).
  if (e.tables[0]) out.push(tableHtml(e.tables[0]))
  for (const c of charts.filter((c) => c.experimentId === e.id)) {
    // On a phone a chart keeps its natural size in its own scroll box (shrunk to the screen its labels were ~5 px).
    out.push(
      `<figure><figcaption>${escapeHtml(c.title)}</figcaption><div class="fig-scroll">${inlineSvg(c.svg)}</div>`,
    )
    if (c.caption) out.push(`<p class="note">${inline(c.caption)}</p>`)
    out.push('</figure>')
  }
  for (const t of e.tables.slice(1)) out.push(tableHtml(t))
  if (e.notes && e.notes.length > 0) {
    out.push('<h3>Notes</h3><ul>')
    for (const n of e.notes) out.push(`<li>${inline(n)}</li>`)
    out.push('</ul>')
  }
  out.push('</section>')
  return out.join('\n')
}

const STYLE = `
body{font:15px/1.5 system-ui,-apple-system,"Segoe UI",sans-serif;color:#1d1d1f;max-width:1180px;margin:0 auto;padding:24px}
h1{font-size:26px}h2{margin-top:40px;border-bottom:2px solid #ddd;padding-bottom:4px}h3{margin-top:24px;font-size:17px}
table{border-collapse:collapse;font-size:13px;margin:8px 0}th,td{border:1px solid #ddd;padding:3px 7px;text-align:left;vertical-align:top}
th{background:#f4f4f6}td.num{text-align:right;font-variant-numeric:tabular-nums}.scroll{overflow-x:auto}
code{background:#f4f4f6;padding:0 3px;border-radius:3px;font-size:90%}pre{background:#f8f8f8;padding:8px;overflow-x:auto}
figure{margin:16px 0}figcaption{font-weight:600;margin-bottom:6px}figure svg{max-width:100%;height:auto}
.banner{background:#fde2e2;border:2px solid #c00;color:#700;font-weight:700;padding:8px 12px}
.note{color:#555;font-size:13px;margin:2px 0 10px}.bad{color:#a00}
.status{font-size:12px;padding:1px 6px;border-radius:8px;background:#eee}.status.supported{background:#d9f2dc}
.status.refuted{background:#f8d7d7}.status.mixed{background:#fdf0c8}.context td:first-child{white-space:nowrap;font-weight:600}
.banner{background:#fde2e1;border:2px solid #c62828;color:#7f1d1d;padding:10px 14px;border-radius:6px;margin:12px 0}
table.summary td{font-size:13px;padding:2px 6px}table.summary td:first-child{max-width:360px}table.summary td.verdict{min-width:9em}
tr.supported td.verdict{background:#d9f2dc}tr.refuted td.verdict{background:#f8d7d7}tr.mixed td.verdict{background:#fdf0c8}
tr.inconclusive td.verdict,tr.withheld td.verdict,tr.smoke td.verdict,tr.no-experiment td.verdict,tr.no-verdict td.verdict{color:#555;background:#f4f4f6}
tr.failed td.verdict{color:#a00}details summary{cursor:pointer;color:#345;margin:4px 0}
.fig-scroll{overflow-x:auto}
@media (max-width:640px){body{padding:12px}
table.summary,table.summary tbody,table.summary tr,table.summary td{display:block;width:auto;max-width:none}
table.summary tr:first-child{display:none}table.summary tr{border:1px solid #ddd;border-radius:6px;margin:8px 0;padding:4px}
table.summary td{border:0}
figure svg{max-width:none;width:auto}}`

/** report.html: one self-contained file (inline CSS, inline SVG charts, no script, no network). */
export function renderHtml(results: ResultsFile, charts: RenderedChart[]): string {
  const ctx = results.context
  const summary = buildSummary(results)
  const contextTable = contextRows(ctx)
    .map(([k, v]) => `<tr><td>${escapeHtml(k)}</td><td>${escapeHtml(v)}</td></tr>`)
    .join('\n')
  const toc = results.experiments
    .map(
      (e) => `<li><a href="#${slug(e.title)}">${escapeHtml(e.title)}</a>${e.error ? ' — failed' : ''}</li>`,
    )
    .join('')
  return fontSafe(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>Auth Lab benchmark report — ${escapeHtml(ctx.runId)}</title><style>${STYLE}</style></head>
<body>
<h1>Auth Lab benchmark report</h1>
${summary.banner ? `<div class="banner" role="alert"><strong>⚠ ${escapeHtml(summary.banner)}</strong></div>` : ''}
${results.experiments
  .filter((e) => e.banner)
  .map((e) => `<p class="banner">⚠ ${escapeHtml(e.title)}: ${inline(e.banner!)}</p>`)
  .join('\n')}
${summaryHtml({ ...summary, banner: null }, inline)}
<p>Generated from <code>results.json</code> by <code>pnpm bench:report</code>. Numbers are from one machine; ratios, added µs and server CPU per request transfer better than absolute req/s. See docs/benchmarks.md for the method and what each number does not mean.</p>
<h2>Context</h2>
<div class="scroll"><table class="context">${contextTable}</table></div>
<ul>${ctx.notes.map((n) => `<li>${inline(n)}</li>`).join('')}</ul>
<h2>Contents</h2><ul>${toc}<li><a href="#${slug(CAPACITY_TITLE)}">${escapeHtml(CAPACITY_TITLE)}</a></li></ul>
${results.experiments.map((e) => experimentHtml(e, charts, ctx.options.quick === true)).join('\n')}
<section id="${slug(CAPACITY_TITLE)}"><h2>${escapeHtml(CAPACITY_TITLE)}</h2>
${capacityBody(
  results,
  tableHtml,
  (p) => (p.startsWith('**') ? `<h3>${inline(p.replace(/\*\*/g, ''))}</h3>` : `<p>${inline(p)}</p>`),
  (items) => `<ul>${items.map((i) => `<li>${inline(i)}</li>`).join('')}</ul>`,
)}
</section>
</body></html>
`)
}
