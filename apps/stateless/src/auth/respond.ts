import { clientIp } from '@auth-lab/shared'
import type { Context } from 'hono'
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

/** What the device list shows about a login: its User-Agent and client address. */
export function deviceMeta(c: Context, trustProxy: boolean): DeviceMeta {
  return { userAgent: c.req.header('user-agent'), ip: clientIp(c, trustProxy) }
}
