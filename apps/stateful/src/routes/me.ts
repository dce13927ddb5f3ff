import { noStore, publicUser } from '@auth-lab/shared'
import type { Hono } from 'hono'
import type { AppEnv } from '../types.js'
import type { RouteContext } from './context.js'
import { iso, requireAuth } from './context.js'

/**
 * GET /me — the benchmark's authenticated read. Cost with the SQLite store: one statement (session JOIN user),
 * zero writes unless the touch interval has passed. `expires_at` is when the session ends if no further request
 * comes: the earlier of the idle and the absolute expiry.
 */
export function mountMe(app: Hono<AppEnv>, ctx: RouteContext): void {
  app.get('/me', noStore, ctx.session('required'), (c) => {
    const { user, session } = requireAuth(c.get('auth'))
    return c.json({
      user: publicUser(user),
      auth: { mechanism: 'session', expires_at: iso(Math.min(session.expiresAt, session.absoluteExpiresAt)) },
    })
  })
}
