import { noFormBody } from '@auth-lab/shared'
import { Hono } from 'hono'
import type { AppEnv, Deps } from '../env.js'
import { clearSnapshot } from '../session/cookie-cache.js'
import { sessionLayer } from '../session/hono-sessions-shim.js'

/**
 * POST /auth/logout — 204 always (also without a session); the row is deleted and the cookie cleared.
 * POST /auth/logout-all — 204; every session of the user is deleted, this one included.
 */
export function logoutRoutes(deps: Deps): Hono<AppEnv> {
  return new Hono<AppEnv>()
    .post('/auth/logout', noFormBody, sessionLayer(deps, 'optional'), (c) => {
      c.get('session').deleteSession() // hono-sessions deletes the row after the handler; the layer clears the cookie
      clearSnapshot(c, deps) // [caches wiring] the cookie cache's snapshot goes too (this browser only)
      return c.body(null, 204)
    })
    .post('/auth/logout-all', noFormBody, sessionLayer(deps, 'required'), async (c) => {
      const { user, session } = c.get('auth')
      // "Log out everywhere" means everywhere: the stateless app's refresh families and tokens too (F2).
      deps.users.endCredentials(user.id)
      await deps.sessions.invalidateUser(user.id, session.idHash)
      c.get('session').deleteSession()
      clearSnapshot(c, deps) // [caches wiring] other devices keep theirs until it expires (the revocation window)
      return c.body(null, 204)
    })
}
