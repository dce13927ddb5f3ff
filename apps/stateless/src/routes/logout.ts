import { noFormBody } from '@auth-lab/shared'
import { Hono } from 'hono'
import { clearRefreshCookie, readRefreshCookie } from '../auth/refresh-cookie.js'
import type { AppEnv, Deps } from '../env.js'
import { requireAccessToken, verifyBearer } from '../middleware/require-access-token.js'

/**
 * POST /auth/logout (refresh cookie and/or Bearer): revokes the device's family, clears the cookie, and per the
 * revocation mode cuts the access token (deny-list entry until exp, or a version bump). Always 204, also with
 * nothing to revoke or an expired access token, so logout never fails a user who wants out.
 * POST /auth/logout-all (Bearer): every family of the user revoked and token_version bumped.
 */
export function logoutRoutes(deps: Deps): Hono<AppEnv> {
  const secure = deps.config.cookieSecure
  return new Hono<AppEnv>()
    .post('/auth/logout', noFormBody, async (c) => {
      const access = await verifyBearer(c, deps.tokens)
      await deps.tokens.logout(readRefreshCookie(c, secure), access)
      clearRefreshCookie(c, secure)
      return c.body(null, 204)
    })
    .post('/auth/logout-all', noFormBody, requireAccessToken(deps.tokens), async (c) => {
      await deps.tokens.logoutAll(c.get('auth').user.id)
      clearRefreshCookie(c, secure)
      return c.body(null, 204)
    })
}
