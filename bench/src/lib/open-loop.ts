/**
 * Open-loop latency: requests sent on a fixed schedule (rate r → one every 1/r s), whether or not earlier ones have
 * answered, each timed from its INTENDED send time to the end of its response — so a stalled server shows up as
 * latency instead of as fewer requests (no coordinated omission). Microsecond histograms (hdr-histogram-js).
 * Runs inside the load-generator process (load-worker.ts) over node:http keep-alive sockets; autocannon stays for
 * saturation throughput.
 */
import { Agent, request } from 'node:http'
import { build } from 'hdr-histogram-js'

export interface OpenLoopOptions {
  url: string
  /** Offered requests per second. */
  rate: number
  durationSec: number
  /** Keep-alive sockets available (requests beyond them queue in the agent, still timed from their schedule). */
  connections: number
  credentials?: Record<string, string>[]
  /** Give up on a response after this long (default 5 s); it counts as an error. */
  timeoutMs?: number
}

export interface OpenLoopResult {
  offeredRps: number
  achievedRps: number
  sent: number
  ok2xx: number
  non2xx: number
  errors: number
  /** Latency from intended send time to the response's end, µs. */
  p50Us: number
  p99Us: number
  p999Us: number
  maxUs: number
  meanUs: number
}

export async function runOpenLoop(o: OpenLoopOptions): Promise<OpenLoopResult> {
  const u = new URL(o.url)
  const agent = new Agent({ keepAlive: true, maxSockets: o.connections })
  const hist = build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: 120_000_000,
    numberOfSignificantValueDigits: 3,
  })
  const creds = o.credentials && o.credentials.length > 0 ? o.credentials : [{}]
  const total = Math.max(1, Math.round(o.rate * o.durationSec))
  const intervalMs = 1000 / o.rate
  let ok2xx = 0
  let non2xx = 0
  let errors = 0
  let done = 0
  let sent = 0
  let lastEnd = 0
  const t0 = performance.now()
  await new Promise<void>((resolve) => {
    const finish = () => {
      done++
      if (done === total) resolve()
    }
    const fire = (i: number) => {
      const intended = t0 + i * intervalMs
      const req = request(
        {
          agent,
          host: u.hostname,
          port: u.port,
          path: u.pathname + u.search,
          headers: creds[i % creds.length],
        },
        (res) => {
          res.resume()
          res.on('end', () => {
            const end = performance.now()
            lastEnd = end
            hist.recordValue(Math.max(1, Math.round((end - intended) * 1000)))
            if (res.statusCode !== undefined && res.statusCode >= 200 && res.statusCode < 300) ok2xx++
            else non2xx++
            finish()
          })
        },
      )
      req.setTimeout(o.timeoutMs ?? 5000, () => req.destroy(new Error('timeout')))
      req.on('error', () => {
        errors++
        finish()
      })
      req.end()
    }
    // A spinning scheduler (setImmediate) on the load generator's own core: timers would bunch sends per ms.
    const tick = () => {
      const due = Math.min(total, Math.floor((performance.now() - t0) / intervalMs) + 1)
      while (sent < due) fire(sent++)
      if (sent < total) setImmediate(tick)
    }
    tick()
  })
  agent.destroy()
  const wallSec = Math.max(1e-6, (lastEnd - t0) / 1000)
  const result = {
    offeredRps: o.rate,
    achievedRps: ok2xx / wallSec,
    sent,
    ok2xx,
    non2xx,
    errors,
    p50Us: hist.getValueAtPercentile(50),
    p99Us: hist.getValueAtPercentile(99),
    p999Us: hist.getValueAtPercentile(99.9),
    maxUs: hist.maxValue,
    meanUs: hist.mean,
  }
  hist.destroy()
  return result
}
