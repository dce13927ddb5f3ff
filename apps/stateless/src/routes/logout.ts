import { noFormBody } from '@auth-lab/shared'
import { Hono } from 'hono'
import { clearRefreshCookie, clearRefreshCookies, readRefreshCookies } from '../auth/refresh-cookie.js'
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
      const verified = await verifyBearer(c, deps.tokens)
      // F4: an access token that fails the revocation check (already revoked, credentials ended) revokes nothing —
      // else a thief's dead token could still end the victim's device, and under `version` log out the others.
      const access = verified && (await deps.tokens.check(verified)) ? verified : null
      // Every refresh cookie presented (normally one; F5: a tossed duplicate is revoked too, and all are cleared).
      await deps.tokens.logout(readRefreshCookies(c, secure), access)
      clearRefreshCookies(c, secure)
      return c.body(null, 204)
    })
    .post('/auth/logout-all', noFormBody, requireAccessToken(deps.tokens), async (c) => {
      await deps.tokens.logoutAll(c.get('auth').user.id)
      clearRefreshCookie(c, secure)
      return c.body(null, 204)
    })
}
