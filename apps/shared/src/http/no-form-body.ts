import type { MiddlewareHandler } from 'hono'
import { ApiError } from './errors.js'

/**
 * For the state-changing routes that take no body (logout, logout-all, session delete, refresh): a request that
 * declares a non-JSON body type is refused with 415 before any credential is loaded or consumed. That shuts the
 * `text/plain` and form posts a cross-site page can send without a CORS preflight, on top of the
 * Origin/Sec-Fetch-Site guard and SameSite. Body-less requests (no Content-Type: curl, the benchmark, the demo
 * pages) pass. Both apps use this one rule.
 */
export const noFormBody: MiddlewareHandler = async function noFormBody(c, next) {
  const type = c.req.header('content-type')
  if (type !== undefined && type.split(';')[0]?.trim().toLowerCase() !== 'application/json') {
    throw new ApiError('unsupported_media_type', 'this route takes no body (or application/json)')
  }
  await next()
}
