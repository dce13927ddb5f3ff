import type { ExperimentResult, RunOptions } from '../report/schema.js'
import type { Pinning } from './pinning.js'
import type { Progress } from './progress.js'

/** What the CLI hands every scenario. */
export interface ScenarioContext {
  options: RunOptions
  /** Cores for the server(s) and the load generator (null = not pinned). */
  pinning: Pinning
  progress: Progress
  /** reports/<run-id>/ (already created): scenarios may write extra raw files here. */
  outDir: string
  /** Experiments that already ran in this run (overhead runs first), e.g. for revocation to quote per-request cost. */
  previous: readonly ExperimentResult[]
}

/** One experiment. Register it in scenarios/registry.ts. */
export interface Scenario {
  id: string
  title: string
  /** Rough wall-clock seconds with these options, for the "time left" estimate. */
  estimateSec(options: RunOptions): number
  run(ctx: ScenarioContext): Promise<ExperimentResult>
}
