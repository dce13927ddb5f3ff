import { isoTime, publicUser } from '@auth-lab/shared'
import { Hono } from 'hono'
import type { AppEnv, Deps } from '../env.js'
import { sessionLayer } from '../session/hono-sessions-shim.js'
import { sessionExpiresAt } from '../session/sessions.js'

/**
 * GET /me — the benchmark's authenticated read. Cost with the SQLite store: one statement (session JOIN user),
 * zero writes unless the touch interval has passed. `expires_at` is when the session ends if no further request
 * comes: the earlier of the idle and the absolute expiry.
 */
export function meRoutes(deps: Deps): Hono<AppEnv> {
  return new Hono<AppEnv>().get('/me', sessionLayer(deps, 'required'), (c) => {
    const { user, session } = c.get('auth')
    return c.json({
      user: publicUser(user),
      auth: { mechanism: 'session', expires_at: isoTime(sessionExpiresAt(session)) },
    })
  })
}
