import type { Context } from 'hono'

/**
 * `Server-Timing: auth;dur=<ms>` — the time spent authenticating this request, measured with the monotonic clock.
 * autocannon's latency histogram has 1 ms resolution, so this header is how sub-millisecond auth cost is seen.
 */
export function authTimer(): (c: Context) => void {
  const start = process.hrtime.bigint()
  return (c) => {
    const ms = Number(process.hrtime.bigint() - start) / 1e6
    c.header('Server-Timing', `auth;dur=${ms.toFixed(3)}`)
  }
}
