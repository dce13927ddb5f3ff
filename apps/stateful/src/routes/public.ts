import { authTimer, noStore } from '@auth-lab/shared'
import type { Hono } from 'hono'
import type { AppEnv } from '../types.js'
import type { RouteContext } from './context.js'
import { iso } from './context.js'

/**
 * GET /public — the benchmark's no-auth baseline: the same middleware as /me (common headers, metrics,
 * no-store, a Server-Timing header) and a body of the same shape and nearly the same size, but no session layer.
 * The difference between /me and /public is the cost of authentication.
 */
export function mountPublic(app: Hono<AppEnv>, ctx: RouteContext): void {
  const { clock, config } = ctx.deps
  app.get('/public', noStore, (c) => {
    authTimer()(c)
    return c.json({
      user: { id: 0, username: 'public', role: 'user' },
      auth: { mechanism: 'none', expires_at: iso(clock() + config.session.idleTtlSeconds * 1000) },
    })
  })
}
