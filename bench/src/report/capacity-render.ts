/** The capacity model (capacity.ts) as a report section, in Markdown and HTML. */
import { guardState } from '../lib/run-gate.js'
import { assumptionsTable, capacityModel } from './capacity.js'
import type { ResultsFile, Table } from './schema.js'

export const CAPACITY_TITLE = 'Capacity model: what internet scale would take'

const INTRO =
  'Arithmetic on this run’s measurements (per-request cost, store reads per request, heap per session), scaled to targets this lab cannot run. Every input not measured here is listed under Assumptions with its source; change one and the tables move with it. The model counts auth and the request around it, not your application’s own work.'

export interface CapacitySection {
  intro: string
  /** Set when the run's noise guard did not pass: the cores rest on CPU figures that are not evidence. */
  caveat: string | null
  tables: Table[]
  walls: string[]
  missing: string | null
}

export function capacitySection(results: ResultsFile): CapacitySection {
  const model = capacityModel(results)
  const guard = guardState(results.experiments)
  // Review R5/R6: this section turns CPU figures into cores, so a run whose guard failed says so here too.
  const caveat =
    guard === 'passed'
      ? null
      : `⚠ ${guard === 'failed' ? 'This run failed the noise guard' : 'This run had no noise guard'}: the CPU figures below are not evidence, and neither are the cores and walls computed from them. The store and memory tables count operations and bytes, which a busy host does not change.`
  if (!model)
    return {
      intro: INTRO,
      caveat,
      tables: [],
      walls: [],
      missing:
        'This run has no valid overhead figures (run the overhead scenario), so there is nothing to scale.',
    }
  return {
    intro: INTRO,
    caveat,
    tables: [...model.tables, assumptionsTable(model.assumptions, model.measured)],
    walls: model.walls,
    missing: null,
  }
}

/** `renderTable` turns a Table into the target format (the renderers pass their own, so folding stays uniform). */
export function capacityBody(
  results: ResultsFile,
  renderTable: (t: Table) => string,
  para: (s: string) => string,
  list: (items: string[]) => string,
): string {
  const s = capacitySection(results)
  if (s.missing) return [para(s.intro), para(s.missing)].join('\n\n')
  const [cores, store, memory, assumptions] = s.tables as [Table, Table, Table, Table]
  return [
    ...(s.caveat ? [para(`**${s.caveat}**`)] : []),
    para(s.intro),
    renderTable(cores),
    renderTable(store),
    renderTable(memory),
    para('**Where each design hits a wall**'),
    s.walls.length > 0 ? list(s.walls) : para('Nothing in the model stops any mechanism at these targets.'),
    renderTable(assumptions),
  ].join('\n\n')
}

export function capacityMarkdown(results: ResultsFile): string {
  return [
    `## ${CAPACITY_TITLE}`,
    '',
    capacityBody(
      results,
      (t) => mdTable(t),
      (p) => p,
      (items) => items.map((i) => `- ${i}`).join('\n'),
    ),
    '',
  ].join('\n')
}

const cell = (v: unknown) => String(v ?? '–').replace(/\|/g, '\\|')

/** A plain Markdown table with its title and notes (used here and in docs/choosing.md). */
export function mdTable(t: Table): string {
  return [
    `### ${t.title}`,
    '',
    `| ${t.columns.map(cell).join(' | ')} |`,
    `|${t.columns.map(() => '---').join('|')}|`,
    ...t.rows.map((r) => `| ${r.map(cell).join(' | ')} |`),
    ...(t.notes ?? []).flatMap((n) => ['', `_${n}_`]),
  ].join('\n')
}
