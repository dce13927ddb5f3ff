import { ApiError, noFormBody } from '@auth-lab/shared'
import { Hono } from 'hono'
import { clearRefreshCookie, clearRefreshCookies, readSingleRefreshCookie } from '../auth/refresh-cookie.js'
import { sendPair } from '../auth/respond.js'
import type { AppEnv, Deps } from '../env.js'

/**
 * POST /auth/refresh: the refresh cookie buys a new pair and is rotated. A missing, unknown, expired or revoked
 * token is 401 `invalid_refresh_token`; a used one is 401 `refresh_token_reused` and its whole family is revoked.
 * Either way the cookie is cleared, so a browser stops presenting a dead token. A family that rotated faster than its
 * budget (REFRESH_BURST, then one per REFRESH_REFILL) gets 429 `too_many_attempts` with Retry-After and keeps it.
 */
export function refreshRoutes(deps: Deps): Hono<AppEnv> {
  const secure = deps.config.cookieSecure
  return new Hono<AppEnv>().post('/auth/refresh', noFormBody, async (c) => {
    const token = readSingleRefreshCookie(c, secure)
    if (token === 'duplicate') {
      // F5: a second `rt` can only come from a cookie set by another path or (sub)domain — refuse rather than guess
      // which one is the user's, and clear every copy this host can clear. The user logs in again.
      clearRefreshCookies(c, secure)
      throw new ApiError('duplicate_cookie', 'more than one refresh cookie was sent; log in again')
    }
    if (token === undefined) throw new ApiError('invalid_refresh_token', 'no refresh token')
    const out = await deps.tokens.refresh(token)
    if (!out.ok && out.code === 'too_many_attempts') {
      // The family's rotation budget is spent (review RB1): nothing changed and the cookie is still the live one,
      // so it is NOT cleared; the client retries after Retry-After.
      throw new ApiError('too_many_attempts', 'this device refreshed too often; retry later', {
        'Retry-After': String(out.retryAfterSeconds),
      })
    }
    if (!out.ok) {
      clearRefreshCookie(c, secure)
      throw new ApiError(
        out.code,
        out.code === 'refresh_token_reused'
          ? 'refresh token reuse detected; please log in again'
          : 'invalid refresh token',
      )
    }
    return sendPair(c, { cookieSecure: secure, now: deps.clock() }, out.pair)
  })
}
