import { Hono } from 'hono'
import type { AppEnv, Deps } from '../env.js'
import { requireAccessToken } from '../middleware/require-access-token.js'

/**
 * GET /me: who the Bearer token says you are. Store access depends on REVOCATION only: none → zero reads (the user
 * comes from the claims), denylist → one deny-list read, version → one users read (and the user data comes from
 * that row).
 */
export function meRoutes(deps: Deps): Hono<AppEnv> {
  return new Hono<AppEnv>().get('/me', requireAccessToken(deps.tokens), (c) => {
    const { user, token } = c.get('auth')
    return c.json({
      user,
      auth: { mechanism: 'jwt', alg: token.alg, kid: token.kid, jti: token.jti, exp: token.exp },
    })
  })
}
