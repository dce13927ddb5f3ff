import { ApiError, noFormBody, noStore } from '@auth-lab/shared'
import type { Hono } from 'hono'
import type { AppEnv } from '../types.js'
import type { RouteContext } from './context.js'
import { iso, requireAuth } from './context.js'

/**
 * GET /auth/sessions — the user's live sessions. `id` is the row's random public handle, never the cookie value
 * nor its hash. DELETE /auth/sessions/:id — revoke one; 404 `not_found` when the handle is unknown or belongs to
 * another user (indistinguishable on purpose). Revoking the current session is a logout (cookie cleared).
 * Policy: no limit on concurrent sessions; users see and end them here (docs/api.md).
 */
export function mountSessions(app: Hono<AppEnv>, ctx: RouteContext): void {
  const { sessions, clock } = ctx.deps

  app.get('/auth/sessions', noStore, ctx.session('required'), (c) => {
    const auth = requireAuth(c.get('auth'))
    const list = sessions.listForUser(auth.user.id, clock()).map((s) => ({
      id: s.handle,
      created_at: iso(s.createdAt),
      last_seen_at: iso(s.lastSeenAt),
      expires_at: iso(Math.min(s.expiresAt, s.absoluteExpiresAt)),
      user_agent: s.userAgent,
      current: s.idHash === auth.idHash,
    }))
    return c.json({ sessions: list })
  })

  app.delete('/auth/sessions/:id', ctx.crossSite, noFormBody, noStore, ctx.session('required'), (c) => {
    const auth = requireAuth(c.get('auth'))
    const handle = c.req.param('id')
    if (handle === auth.session.handle) {
      c.get('session').deleteSession()
      return c.body(null, 204)
    }
    if (handle.length > 64 || !sessions.deleteByHandle(auth.user.id, handle)) {
      throw new ApiError('not_found', 'no such session')
    }
    return c.body(null, 204)
  })
}
