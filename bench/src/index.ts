export type { Credential, Outcome } from './lib/client.js'
export {
  authHeaders,
  credentialBytes,
  lastCookie,
  login,
  loginUsers,
  mapLimit,
  meStatus,
} from './lib/client.js'
export type { AppConfig, AppKind, Config, ConfigId } from './lib/configs.js'
export { CONFIGS, pick, pickApp, STATE_CONFIGS } from './lib/configs.js'
export { allOk, assertLoopback, LoadGenerator, runLoad } from './lib/load.js'
export type { LatencyMs, LoadOptions, LoadResult, TimeBucket } from './lib/load-types.js'
export type { Sample, StoreCounts } from './lib/metrics-scrape.js'
export { diffStoreCounts, parsePrometheus, scrapeStoreCounters } from './lib/metrics-scrape.js'
export type { Pinning } from './lib/pinning.js'
export { choosePinning, hasTaskset, pinnedCommand } from './lib/pinning.js'
export { freePort } from './lib/ports.js'
export type { CpuTimes } from './lib/proc-stats.js'
export { readCpuTimes, readRssBytes } from './lib/proc-stats.js'
export { processRegistry } from './lib/process-registry.js'
export type { ExitInfo, ServerHandle, ServerKind, StartServerOptions } from './lib/processes.js'
export {
  defaultServerEnv,
  removeTempDb,
  SERVER_ENTRIES,
  sleep,
  startServer,
  stopAll,
  tempDbPath,
} from './lib/processes.js'
export { formatSec, Progress } from './lib/progress.js'
export type { Scenario, ScenarioContext } from './lib/scenario.js'
export type { Summary } from './lib/stats.js'
export {
  addedMicros,
  compare,
  median,
  ratio,
  roundOrders,
  share,
  shuffled,
  summarize,
  validity,
} from './lib/stats.js'
export type { SeedOptions } from './lib/users.js'
export { BENCH_PASSWORD, seedUsers } from './lib/users.js'
export type { Assumptions, CapacityModel, Mechanism } from './report/capacity.js'
export { ASSUMPTIONS, capacityModel, DEFAULT_ASSUMPTIONS } from './report/capacity.js'
export { applyBlocks, checkChoosing, generatedBlocks } from './report/choosing-doc.js'
export { readResults, writeReport } from './report/render.js'
export type {
  Cell,
  Chart,
  Claim,
  ExperimentResult,
  InvalidEntry,
  ResultsFile,
  RunContext,
  RunOptions,
  Table,
  Verdict,
} from './report/schema.js'
export { parseResults, RESULTS_SCHEMA_VERSION } from './report/schema.js'
export type { Summary as ReportSummary, SummaryRow } from './report/summary.js'
export { buildSummary } from './report/summary.js'
export { estimateRunSec, runBench } from './runner.js'
export { SCENARIO_IDS, SCENARIOS } from './scenarios/registry.js'
