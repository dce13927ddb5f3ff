/**
 * results.json: everything a report is generated from. Versioned; a renderer refuses files of another major
 * version. Each experiment is a generic section (tables, Vega-Lite charts, verdicts), so a new scenario adds a
 * section without touching the renderers.
 */
export const RESULTS_SCHEMA_VERSION = 1

export type Cell = string | number | null

export interface Table {
  title: string
  columns: string[]
  rows: Cell[][]
  /** Short lines printed under the table. */
  notes?: string[]
}

export interface Chart {
  /** File-safe id, unique within the experiment; the SVG is written as `<experiment id>-<chart id>.svg`. */
  id: string
  title: string
  /** A complete Vega-Lite spec with its data inline (`data.values`): rendered to SVG at report time, in Node. */
  vegaLiteSpec: Record<string, unknown>
  caption?: string
}

export interface Claim {
  /** C1, C4, … as in the project brief; free text ids are fine. */
  id: string
  text: string
}

export interface Verdict {
  /** The claim id this answers (or a short label such as "decomposition"). */
  claim: string
  /** One or two sentences computed from the numbers. */
  text: string
  status?: 'supported' | 'refuted' | 'mixed' | 'inconclusive'
  /**
   * The one number that decides the claim, with its spread, as the report's summary shows it
   * (e.g. "+116 µs (102–129) vs +70 µs (66–74) CPU/req"). Optional: the summary falls back to figures it can
   * read from the experiment's raw data (report/deciding.ts), or shows none.
   */
  figure?: string
}

/** A variant (or configuration) whose numbers are not used: any non-2xx, error, timeout, or a failed setup. */
export interface InvalidEntry {
  variant: string
  reason: string
}

export interface ExperimentResult {
  /** Scenario id: overhead, restart, lb, revocation, memory, attacks. */
  id: string
  title: string
  claims: Claim[]
  /** How it was measured, in a small Markdown subset (paragraphs, `- ` lists, `code`, **bold**). */
  method: string
  tables: Table[]
  charts: Chart[]
  verdicts: Verdict[]
  invalid: InvalidEntry[]
  /** Extra lines shown after the verdicts (caveats, what a number does not mean). */
  notes?: string[]
  /**
   * A warning the reader must see before any number (e.g. "this run was noisy", "smoke run"): shown at the very top
   * of the report and again at the top of the experiment's section.
   */
  banner?: string
  /** Wall-clock seconds the scenario took. */
  durationSec?: number
  /** Set when the scenario threw: the report shows the error instead of results. */
  error?: string
  /** Everything measured, per round and variant: the source of every number above. */
  raw: unknown
}

export interface RunOptions {
  quick: boolean
  scenarios: string[]
  /** Only what was given on the command line; each scenario applies its own defaults otherwise. */
  durationSec?: number
  connections?: number
  rounds?: number
  variants?: string[]
  pin: boolean
  /** --serial: every scenario alone, also those that may run side by side (lib/lanes.ts). */
  serial?: boolean
  outDir: string
  /** overhead: write a CPU profile of this variant's in-process worker over its measured rounds (--cpu-prof). */
  cpuProf?: string
}

export interface RunContext {
  runId: string
  /** ISO-8601, when the run started. */
  date: string
  durationSec?: number
  machine: {
    cpuModel: string
    cores: number
    memoryBytes: number
    os: string
    kernel: string
    arch: string
    node: string
    /** 1/5/15-minute load averages when the run started, and when it ended: other work on the machine shows here. */
    loadAverage: number[]
    loadAverageEnd?: number[]
  }
  packages: Record<string, string>
  git: { commit: string | null; dirty: boolean | null }
  options: RunOptions
  pinning: { available: boolean; serverCpu: number | null; loadCpu: number | null; note: string }
  /** Anything a reader must know that applies to every experiment (argon2 cost used at login, …). */
  notes: string[]
}

export interface ResultsFile {
  schemaVersion: typeof RESULTS_SCHEMA_VERSION
  context: RunContext
  experiments: ExperimentResult[]
}

/** Checks the shape enough to render safely; throws a clear error naming the first problem. */
export function parseResults(json: unknown): ResultsFile {
  const fail = (what: string): never => {
    throw new Error(`results.json: ${what}`)
  }
  if (typeof json !== 'object' || json === null) fail('not an object')
  const r = json as Partial<ResultsFile>
  if (r.schemaVersion !== RESULTS_SCHEMA_VERSION) {
    fail(
      `schemaVersion ${String(r.schemaVersion)} is not supported (this renderer reads ${RESULTS_SCHEMA_VERSION})`,
    )
  }
  if (typeof r.context !== 'object' || r.context === null) fail('missing context')
  if (!Array.isArray(r.experiments)) fail('experiments must be an array')
  for (const [i, e] of (r.experiments as ExperimentResult[]).entries()) {
    const at = `experiments[${i}]`
    if (typeof e.id !== 'string' || !/^[a-z0-9-]+$/.test(e.id)) fail(`${at}.id must be a lowercase slug`)
    for (const key of ['claims', 'tables', 'charts', 'verdicts', 'invalid'] as const) {
      if (!Array.isArray(e[key])) fail(`${at}.${key} must be an array`)
    }
    for (const [j, t] of e.tables.entries()) {
      if (!Array.isArray(t.columns) || !Array.isArray(t.rows))
        fail(`${at}.tables[${j}] needs columns and rows`)
      for (const row of t.rows)
        if (row.length !== t.columns.length) fail(`${at}.tables[${j}] has a row of the wrong width`)
    }
    for (const [j, c] of e.charts.entries()) {
      if (typeof c.id !== 'string' || !/^[a-z0-9-]+$/.test(c.id))
        fail(`${at}.charts[${j}].id must be a lowercase slug`)
      if (typeof c.vegaLiteSpec !== 'object' || c.vegaLiteSpec === null)
        fail(`${at}.charts[${j}] has no vegaLiteSpec`)
    }
  }
  return r as ResultsFile
}
