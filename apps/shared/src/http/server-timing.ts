import type { Context } from 'hono'

/**
 * `Server-Timing: auth;dur=<ms>` — the time spent authenticating this request, measured with the monotonic clock.
 * autocannon's latency histogram has 1 ms resolution, so this header is how sub-millisecond auth cost is seen.
 */
export function authTimer(): (c: Context) => void {
  // performance.now() is the same monotonic clock as hrtime, as a double: no BigInt allocations per request.
  const start = performance.now()
  return (c) => {
    c.header('Server-Timing', `auth;dur=${(performance.now() - start).toFixed(3)}`)
  }
}
