import { ApiError } from '@auth-lab/shared'
import type { MiddlewareHandler } from 'hono'

/**
 * For the state-changing routes that take no body (logout, logout-all, session delete): a request that declares a
 * non-JSON body type is refused with 415 before the session is even loaded. That shuts the `text/plain` and form
 * posts a cross-site page can send without a CORS preflight, on top of the Origin/Sec-Fetch-Site guard and
 * SameSite=Lax. Body-less requests (no Content-Type: curl, the benchmark, the demo page) pass. Same rule as the
 * stateless app's refresh and logout routes.
 */
export const noFormBody: MiddlewareHandler = async function noFormBody(c, next) {
  const type = c.req.header('content-type')
  if (type !== undefined && type.split(';')[0]?.trim().toLowerCase() !== 'application/json') {
    throw new ApiError('unsupported_media_type', 'this route takes no body (or application/json)')
  }
  await next()
}
