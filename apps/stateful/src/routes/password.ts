import { parsePasswordChange, readJsonObject, reauthenticate } from '@auth-lab/shared'
import { Hono } from 'hono'
import type { AppEnv, Deps } from '../env.js'
import { sessionLayer } from '../session/hono-sessions-shim.js'

/**
 * POST /auth/password — JSON {current_password, new_password}; 204.
 * Re-authenticates with the current password (shared `reauthenticate`: throttled like login, so a stolen cookie
 * cannot brute-force it; the stored row must still be this enabled user), stores the new hash, bumps
 * `token_version` (the stateless app's revocation switch; kept in step here), ends every other session of the user,
 * and rotates this session to a new ID (a new row with fresh timestamps: the password check is a fresh
 * authentication).
 */
export function passwordRoutes(deps: Deps): Hono<AppEnv> {
  const { users, hasher, sessions } = deps
  return new Hono<AppEnv>().post('/auth/password', sessionLayer(deps, 'required'), async (c) => {
    const { user, session } = c.get('auth')
    const input = parsePasswordChange(await readJsonObject(c))
    await reauthenticate(c, { ...deps, trustProxy: deps.config.trustProxy }, user, input.currentPassword)
    users.setPasswordHash(user.id, await hasher.hash(input.newPassword))
    users.bumpTokenVersion(user.id)
    sessions.invalidateUser(user.id, session.idHash)
    c.set('session_key_rotation', true)
    return c.body(null, 204)
  })
}
