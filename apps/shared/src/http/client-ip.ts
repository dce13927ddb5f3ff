import { getConnInfo } from '@hono/node-server/conninfo'
import type { Context } from 'hono'

/**
 * The client address used for per-IP throttling. `X-Forwarded-For` is client-controlled unless a proxy we run
 * overwrites it, so it is only read with TRUST_PROXY=1 (then the right-most entry, the one our proxy appended).
 */
export function clientIp(c: Context, trustProxy: boolean): string {
  if (trustProxy) {
    const xff = c.req.header('x-forwarded-for')
    const last = xff?.split(',').at(-1)?.trim()
    if (last) return last
  }
  try {
    return getConnInfo(c).remote.address ?? 'unknown'
  } catch {
    return 'unknown' // app.request() in tests has no socket
  }
}
