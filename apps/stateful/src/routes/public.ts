import { authTimer, isoTime } from '@auth-lab/shared'
import { Hono } from 'hono'
import type { AppEnv, Deps } from '../env.js'

/**
 * GET /public — the benchmark's no-auth baseline: the same middleware as /me (common headers, metrics,
 * no-store, a Server-Timing header) and a body of the same shape and nearly the same size, but no session layer.
 * The difference between /me and /public is the cost of authentication.
 */
export function publicRoutes(deps: Deps): Hono<AppEnv> {
  const { clock, config } = deps
  return new Hono<AppEnv>().get('/public', (c) => {
    authTimer()(c)
    return c.json({
      user: { id: 0, username: 'public', role: 'user' },
      auth: { mechanism: 'none', expires_at: isoTime(clock() + config.session.idleTtlSeconds * 1000) },
    })
  })
}
