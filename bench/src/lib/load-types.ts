/** Options of one load run. Everything is plain JSON: it crosses into the load-generator process. */
export interface LoadOptions {
  /** Full URL including the path; autocannon ignores a separate `path` option. Loopback only. */
  url: string
  method?: string
  connections: number
  durationSec: number
  /** Sent on every request. */
  headers?: Record<string, string>
  body?: string
  /**
   * Per-connection header sets (credentials): connection i gets `credentials[i % n]`, so with n ≥ connections every
   * connection is a different user — never one hot token for everyone.
   */
  credentials?: Record<string, string>[]
  /** Seconds of the same load run first and thrown away (default 0). */
  warmupSec?: number
  /** Per-request timeout in seconds (default 10). */
  timeoutSec?: number
  /** Also record a per-bucket time series (successes / 401 / other non-2xx / errors). */
  timeSeries?: boolean
  /** Bucket width of the time series in ms (default 100). */
  bucketMs?: number
}

export interface LatencyMs {
  p50: number
  p97_5: number
  p99: number
  mean: number
  max: number
}

export interface TimeBucket {
  /** Bucket start, ms since the run started. */
  t: number
  ok: number
  unauthorized: number
  otherNon2xx: number
  errors: number
}

export interface LoadResult {
  url: string
  connections: number
  /** Actual measured seconds (autocannon's own clock). */
  durationSec: number
  /** Responses of any status. */
  responses: number
  ok2xx: number
  non2xx: number
  /** Connection errors and timeouts (autocannon's `errors`, which includes timeouts). */
  errors: number
  timeouts: number
  statusCounts: Record<string, number>
  /** Throughput counting only 2xx responses. */
  rps2xx: number
  /** autocannon's histogram has 1 ms resolution: sub-millisecond latencies read as 0 or 1. */
  latencyMs: LatencyMs
  /** Present when `timeSeries` was asked for. */
  timeSeries?: { bucketMs: number; startedAt: number; buckets: TimeBucket[] }
}
