import { randomBytes } from 'node:crypto'
/** One Prometheus sample: metric name, labels, value. */
export interface Sample {
  name: string
  labels: Record<string, string>
  value: number
}

/** Parses Prometheus text exposition (the subset prom-client writes: no timestamps, no exemplars). */
export function parsePrometheus(text: string): Sample[] {
  const out: Sample[] = []
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue
    const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})?\s+(\S+)/.exec(line)
    if (!m) continue
    const labels: Record<string, string> = {}
    for (const l of (m[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) labels[l[1]!] = l[2]!
    out.push({ name: m[1]!, labels, value: Number(m[3]) })
  }
  return out
}

export interface StoreCounts {
  reads: number
  writes: number
  /** `read:sessions` → count, etc. */
  byTable: Record<string, number>
  /**
   * Requests the server answered (`auth_lab_http_requests_total`), /metrics itself left out: the divisor of every
   * per-request figure. The load generator's response count misses the requests still in flight when it stops
   * (one per connection), which the server handled inside the measured window (review E3).
   */
  requests: number
}

/**
 * The METRICS_TOKEN every benchmarked server gets (the apps close /metrics without one, issue 10 F9): random per
 * harness process, so nothing outside this run can read the servers' metrics either.
 */
export const BENCH_METRICS_TOKEN = randomBytes(24).toString('base64url')

/** GET <server>/metrics with the harness's bearer token. */
export function fetchMetrics(baseUrl: string): Promise<Response> {
  return fetch(`${baseUrl}/metrics`, { headers: { authorization: `Bearer ${BENCH_METRICS_TOKEN}` } })
}

/** Reads `auth_lab_store_operations_total` from a server's /metrics. */
export async function scrapeStoreCounters(baseUrl: string): Promise<StoreCounts> {
  const res = await fetchMetrics(baseUrl)
  if (res.status !== 200) throw new Error(`${baseUrl}/metrics answered ${res.status}`)
  return storeCountsFrom(parsePrometheus(await res.text()))
}

export function storeCountsFrom(samples: Sample[]): StoreCounts {
  const counts: StoreCounts = { reads: 0, writes: 0, byTable: {}, requests: 0 }
  for (const s of samples) {
    if (s.name === 'auth_lab_http_requests_total' && s.labels.route !== '/metrics') counts.requests += s.value
    if (s.name !== 'auth_lab_store_operations_total') continue
    const op = s.labels.op
    const key = `${op}:${s.labels.table ?? '?'}`
    counts.byTable[key] = (counts.byTable[key] ?? 0) + s.value
    if (op === 'read') counts.reads += s.value
    else if (op === 'write') counts.writes += s.value
  }
  return counts
}

/** `after − before`, per table too. */
export function diffStoreCounts(before: StoreCounts, after: StoreCounts): StoreCounts {
  const byTable: Record<string, number> = {}
  for (const k of new Set([...Object.keys(before.byTable), ...Object.keys(after.byTable)])) {
    byTable[k] = (after.byTable[k] ?? 0) - (before.byTable[k] ?? 0)
  }
  return {
    reads: after.reads - before.reads,
    writes: after.writes - before.writes,
    byTable,
    requests: after.requests - before.requests,
  }
}
