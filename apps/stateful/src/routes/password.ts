import { noStore, parsePasswordChange, readJsonObject, reauthenticate } from '@auth-lab/shared'
import type { Hono } from 'hono'
import type { AppEnv } from '../types.js'
import type { RouteContext } from './context.js'
import { requireAuth } from './context.js'

/**
 * POST /auth/password — JSON {current_password, new_password}; 204.
 * Re-authenticates with the current password (throttled like login, so a stolen cookie cannot brute-force it),
 * stores the new hash, bumps `token_version` (the stateless app's revocation switch; kept in step here), deletes
 * every other session of the user, and rotates this session to a new ID (a new row with fresh timestamps: the
 * password check is a fresh authentication).
 */
export function mountPassword(app: Hono<AppEnv>, ctx: RouteContext): void {
  const { users, hasher, sessions, config } = ctx.deps
  app.post('/auth/password', ctx.crossSite, noStore, ctx.session('required'), async (c) => {
    const auth = requireAuth(c.get('auth'))
    const input = parsePasswordChange(await readJsonObject(c))
    // Shared with login: throttle reservation before hashing (concurrent guesses count), one argon2 verify.
    await reauthenticate(c, { ...ctx.deps, trustProxy: config.trustProxy }, auth.user, input.currentPassword)
    users.setPasswordHash(auth.user.id, await hasher.hash(input.newPassword))
    users.bumpTokenVersion(auth.user.id)
    sessions.deleteForUser(auth.user.id, auth.idHash)
    c.set('session_key_rotation', true)
    return c.body(null, 204)
  })
}
