/** Messages between the harness and an in-process worker (plain JSON over the IPC channel). */
import type { GroupSpec } from '../variants.js'

export type WorkerCall =
  | { id: number; op: 'setup'; spec: GroupSpec; users: number; dir: string }
  | { id: number; op: 'settle'; order: string[]; requests: number; maxMs: number }
  | { id: number; op: 'measure'; order: string[]; timeMs: number; warmupMs: number; chunks?: number }
  | { id: number; op: 'loaded'; order: string[]; requests: number; inFlight: number; chunks?: number }
  | { id: number; op: 'calibrate' }
  | { id: number; op: 'profile-start' }
  | { id: number; op: 'profile-stop'; file: string }

export type WorkerReply = { ready: true } | { id: number; result?: unknown; error?: string }

/** One path measured once (one round) by tinybench, in nanoseconds per request. */
export interface PathResult {
  target: string
  /** Requests measured (tinybench samples; warm-up excluded). */
  n: number
  /** Wall time per request: mean, half-width of its 95 % confidence interval (Student's t), p50, p99. */
  meanNs: number
  moeNs: number
  p50Ns: number
  p99Ns: number
  /** process.cpuUsage() (all threads, incl. the WebCrypto threadpool) over the measured requests ÷ requests. */
  cpuNsPerReq: number
  /** Responses that were not 200: any makes the variant invalid. */
  bad: number
  statuses: Record<string, number>
}

/** How long one path ran before the rounds, unpinned, to let V8 finish optimizing it (worker.ts settlePaths). */
export interface SettleResult {
  target: string
  requests: number
  ms: number
}

/** One path driven with `inFlight` requests at once (loaded.ts): CPU and wall time per request. */
export interface LoadedResult {
  target: string
  n: number
  inFlight: number
  /** process.cpuUsage() (all threads) ÷ requests: the median of the path's slices, and the mean over all of them. */
  cpuNsPerReq: number
  cpuMeanNsPerReq: number
  /** Wall time of the measured requests ÷ requests (throughput's inverse on one core). */
  wallNsPerReq: number
  bad: number
}
