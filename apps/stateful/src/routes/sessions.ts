import { ApiError, isoTime, noFormBody } from '@auth-lab/shared'
import { Hono } from 'hono'
import type { AppEnv, Deps } from '../env.js'
import { clearSnapshot } from '../session/cookie-cache.js'
import { sessionLayer } from '../session/hono-sessions-shim.js'
import { sessionExpiresAt } from '../session/sessions.js'

/**
 * GET /auth/sessions — the user's live sessions. `id` is the row's random public handle, never the cookie value
 * nor its hash. DELETE /auth/sessions/:id — revoke one; 404 `not_found` when the handle is unknown or belongs to
 * another user (indistinguishable on purpose). Revoking the current session is a logout (cookie cleared).
 * Policy: no limit on concurrent sessions; users see and end them here (docs/api.md).
 */
export function sessionsRoutes(deps: Deps): Hono<AppEnv> {
  const { sessions } = deps
  return new Hono<AppEnv>()
    .get('/auth/sessions', sessionLayer(deps, 'required'), async (c) => {
      const auth = c.get('auth')
      const list = (await sessions.list(auth.user.id)).map((s) => ({
        id: s.handle,
        created_at: isoTime(s.createdAt),
        last_seen_at: isoTime(s.lastSeenAt),
        expires_at: isoTime(sessionExpiresAt(s)),
        user_agent: s.userAgent,
        current: s.idHash === auth.session.idHash,
      }))
      return c.json({ sessions: list })
    })
    .delete('/auth/sessions/:id', noFormBody, sessionLayer(deps, 'required'), async (c) => {
      const { user, session } = c.get('auth')
      const handle = c.req.param('id')
      if (handle === session.handle) {
        c.get('session').deleteSession()
        clearSnapshot(c, deps) // [caches wiring]
        return c.body(null, 204)
      }
      if (!(await sessions.invalidateByHandle(user.id, handle)))
        throw new ApiError('not_found', 'no such session')
      return c.body(null, 204)
    })
}
