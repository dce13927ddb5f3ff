import { noFormBody, noStore } from '@auth-lab/shared'
import type { Hono } from 'hono'
import type { AppEnv } from '../types.js'
import type { RouteContext } from './context.js'
import { requireAuth } from './context.js'

/**
 * POST /auth/logout — 204 always (also without a session); the row is deleted and the cookie cleared.
 * POST /auth/logout-all — 204; every session of the user is deleted, this one included.
 */
export function mountLogout(app: Hono<AppEnv>, ctx: RouteContext): void {
  app.post('/auth/logout', ctx.crossSite, noFormBody, noStore, ctx.session('optional'), (c) => {
    c.get('session').deleteSession() // hono-sessions deletes the row after the handler; the layer clears the cookie
    return c.body(null, 204)
  })

  app.post('/auth/logout-all', ctx.crossSite, noFormBody, noStore, ctx.session('required'), (c) => {
    const auth = requireAuth(c.get('auth'))
    ctx.deps.sessions.deleteForUser(auth.user.id, auth.idHash)
    c.get('session').deleteSession()
    return c.body(null, 204)
  })
}
