import {
  parsePasswordChange,
  passwordChangedMeanwhile,
  readJsonObject,
  reauthenticate,
  StoreUnavailableError,
} from '@auth-lab/shared'
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
    const { verifiedHash } = await reauthenticate(
      c,
      { ...deps, trustProxy: deps.config.trustProxy },
      user,
      input.currentPassword,
    )
    // One conditional statement: the new hash, and the end of every credential of the user in BOTH apps (F2:
    // sessions here, refresh families and (denylist/version) access tokens of the stateless app) — only if the hash
    // is still the one just verified. Two changes racing with the same old password: exactly one wins, the other
    // gets 401 (found in review: both succeeded, the last write won).
    const ended = users.changePassword(user.id, verifiedHash, await hasher.hash(input.newPassword))
    if (!ended) throw passwordChangedMeanwhile()
    const { credentialEpoch } = ended
    // Rows are deleted now too, so the session list is right at once. Clean-up only: the committed epoch bump
    // already ends them (every check compares the users row), so a store error here is reported, not answered
    // with a 503 that would also leave this device logged out (review B3).
    try {
      await sessions.invalidateUser(user.id, session.idHash)
    } catch (err) {
      if (!(err instanceof StoreUnavailableError)) throw err
      deps.onUnexpected(err)
    }
    c.get('session').set('ep', credentialEpoch)
    c.set('session_key_rotation', true)
    clearSnapshot(c, deps) // [caches wiring] bound to the old session ID; the next /me writes a new one
    return c.body(null, 204)
  })
}
