import { authTimer } from '@auth-lab/shared'
import type { Hono } from 'hono'
import type { StatelessDeps } from '../deps.js'
import type { StatelessEnv } from '../middleware/require-access-token.js'
import { requireAccessToken } from '../middleware/require-access-token.js'

/**
 * GET /me: who the Bearer token says you are. Store access depends on REVOCATION only: none → zero reads (the user
 * comes from the claims), denylist → one deny-list read, version → one users read (and the user data comes from
 * that row). GET /public answers a body of the same shape and size through the same middleware, with no auth:
 * the benchmark's baseline.
 */
export function registerMe(app: Hono<StatelessEnv>, deps: StatelessDeps): void {
  app.get('/me', requireAccessToken(deps.tokens), (c) => {
    const { user, token } = c.get('auth')
    return c.json({
      user,
      auth: { mechanism: 'jwt', alg: token.alg, kid: token.kid, jti: token.jti, exp: token.exp },
    })
  })

  // Same field names and value lengths as a typical /me answer (22-char jti, 16-char kid, 10-digit exp).
  const publicBody = {
    user: { id: 1, username: 'public', role: 'user' },
    auth: {
      mechanism: 'none',
      alg: 'none',
      kid: 'public-not-a-kid',
      jti: 'public-not-a-token-id0',
      exp: 1_000_000_000,
    },
  }
  app.get('/public', (c) => {
    authTimer()(c) // the same header as /me, measuring nothing
    return c.json(publicBody)
  })
}
