import { ApiError, clientIp } from '@auth-lab/shared'
import type { Context, MiddlewareHandler } from 'hono'
import { setRefreshCookie } from './refresh-cookie.js'
import type { DeviceMeta, TokenPair } from './token-service.js'

/**
 * The token response of login, refresh and password change (RFC 6749 §5.1 shape): the access token in the body for
 * the page to keep in memory, the refresh token only in the HttpOnly cookie. `Cache-Control: no-store` and
 * `Pragma: no-cache` come from the `noStore` middleware on every /auth route.
 */
export function sendPair(
  c: Context,
  opts: { cookieSecure: boolean; now: number },
  pair: TokenPair,
): Response {
  setRefreshCookie(c, opts.cookieSecure, pair.refresh.token, pair.refresh.expiresAt, opts.now)
  return c.json({
    access_token: pair.access.token,
    token_type: 'Bearer',
    expires_in: pair.access.expiresIn,
    user: pair.user,
  })
}

export function deviceMeta(c: Context, trustProxy: boolean): DeviceMeta {
  return { userAgent: c.req.header('user-agent'), ip: clientIp(c, trustProxy) }
}

/**
 * For routes that take no body (refresh, logout, logout-all): a request that declares a non-JSON body type is
 * refused with 415 before anything is consumed. That shuts the text/plain and form posts a cross-site page can
 * send without a CORS preflight, on top of SameSite=Strict and the Origin/Sec-Fetch-Site guard.
 */
export const noFormBody: MiddlewareHandler = async function noFormBody(c, next) {
  const type = c.req.header('content-type')
  if (type !== undefined && type.split(';')[0]?.trim().toLowerCase() !== 'application/json') {
    throw new ApiError('unsupported_media_type', 'this route takes no body (or application/json)')
  }
  await next()
}
