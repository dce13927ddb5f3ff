import { parsePasswordChange, readJsonObject, reauthenticate } from '@auth-lab/shared'
import { Hono } from 'hono'
import type { AppEnv, Deps } from '../env.js'
import { clearSnapshot } from '../session/cookie-cache.js'
import { sessionLayer } from '../session/hono-sessions-shim.js'

/**
 * POST /auth/password — JSON {current_password, new_password}; 204.
 * Re-authenticates with the current password (shared `reauthenticate`: throttled like login, so a stolen cookie
 * cannot brute-force it; the stored row must still be this enabled user), stores the new hash, bumps the user's
 * credential epoch (which ends every session and refresh family of the user in both apps, and the stateless app's
 * access tokens in `denylist`/`version` modes), and rotates this session to a new ID under the new epoch (a new row
 * with fresh timestamps: the password check is a fresh authentication).
 */
export function passwordRoutes(deps: Deps): Hono<AppEnv> {
  const { users, hasher, sessions } = deps
  return new Hono<AppEnv>().post('/auth/password', sessionLayer(deps, 'required'), async (c) => {
    const { user, session } = c.get('auth')
    const input = parsePasswordChange(await readJsonObject(c))
    await reauthenticate(c, { ...deps, trustProxy: deps.config.trustProxy }, user, input.currentPassword)
    users.setPasswordHash(user.id, await hasher.hash(input.newPassword))
    // Ends every credential of the user in BOTH apps (F2): sessions here, refresh families and (denylist/version)
    // access tokens of the stateless app. Rows are deleted now too, so the session list is right at once.
    const { credentialEpoch } = users.endCredentials(user.id)
    await sessions.invalidateUser(user.id, session.idHash)
    c.get('session').set('ep', credentialEpoch)
    c.set('session_key_rotation', true)
    clearSnapshot(c, deps) // [caches wiring] bound to the old session ID; the next /me writes a new one
    return c.body(null, 204)
  })
}
