import { authTimer } from '@auth-lab/shared'
import { Hono } from 'hono'
import type { AppEnv, Deps } from '../env.js'

// Same field names and value lengths as a typical /me answer (22-char jti, 16-char kid, 10-digit exp).
const PUBLIC_BODY = {
  user: { id: 1, username: 'public', role: 'user' },
  auth: {
    mechanism: 'none',
    alg: 'none',
    kid: 'public-not-a-kid',
    jti: 'public-not-a-token-id0',
    exp: 1_000_000_000,
  },
}

/**
 * GET /public — the benchmark's no-auth baseline: the same middleware as /me (common headers, metrics, no-store, a
 * Server-Timing header) and a body of the same shape and size, but no token check. The difference between /me and
 * /public is the cost of authentication.
 */
export function publicRoutes(_deps: Deps): Hono<AppEnv> {
  return new Hono<AppEnv>().get('/public', (c) => {
    authTimer()(c) // the same header as /me, measuring nothing
    return c.json(PUBLIC_BODY)
  })
}
