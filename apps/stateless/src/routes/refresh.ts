import { ApiError, noFormBody } from '@auth-lab/shared'
import { Hono } from 'hono'
import { clearRefreshCookie, readRefreshCookie } from '../auth/refresh-cookie.js'
import { sendPair } from '../auth/respond.js'
import type { AppEnv, Deps } from '../env.js'

/**
 * POST /auth/refresh: the refresh cookie buys a new pair and is rotated. A missing, unknown, expired or revoked
 * token is 401 `invalid_refresh_token`; a used one is 401 `refresh_token_reused` and its whole family is revoked.
 * Either way the cookie is cleared, so a browser stops presenting a dead token.
 */
export function refreshRoutes(deps: Deps): Hono<AppEnv> {
  const secure = deps.config.cookieSecure
  return new Hono<AppEnv>().post('/auth/refresh', noFormBody, async (c) => {
    const token = readRefreshCookie(c, secure)
    if (token === undefined) throw new ApiError('invalid_refresh_token', 'no refresh token')
    const out = await deps.tokens.refresh(token)
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
