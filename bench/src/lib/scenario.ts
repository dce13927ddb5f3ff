import type { Claim, ExperimentResult, RunOptions } from '../report/schema.js'
import type { Pinning } from './pinning.js'
import type { Progress } from './progress.js'

/** What the runner hands every scenario. */
export interface ScenarioContext {
  options: RunOptions
  /** Cores for the server(s) and the load generator (null = not pinned). */
  pinning: Pinning
  /** Progress lines; the runner adds the time left from `estimateSec`, so scenarios pass a label only. */
  progress: Progress
  /** reports/<run-id>/ (already created): scenarios may write extra raw files here. */
  outDir: string
  /** Experiments that already ran in this run (overhead runs first), e.g. for revocation to quote per-request cost. */
  previous: readonly ExperimentResult[]
}

/**
 * One experiment, declared in scenarios/<id>/index.ts and registered in scenarios/registry.ts. The runner owns
 * everything around `run`: timing (`durationSec`), progress, the time estimate, a failure turned into a result.
 */
export interface Scenario {
  id: string
  title: string
  claims: readonly Claim[]
  /**
   * True when the results are outcomes and windows of seconds that another scenario's CPU load does not change (no
   * CPU, throughput or millisecond-latency figure): a full run may run it beside another such scenario (lib/lanes.ts).
   */
  sideBySide?: boolean
  /** Rough wall-clock seconds with these options: the cost the runner's "time left" is built from. */
  estimateSec(options: RunOptions): number
  run(ctx: ScenarioContext): Promise<ExperimentResult>
}
