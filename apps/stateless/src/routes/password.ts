import { parsePasswordChange, readJsonObject, reauthenticate } from '@auth-lab/shared'
import type { Hono } from 'hono'
import { deviceMeta, sendPair } from '../auth/respond.js'
import type { StatelessDeps } from '../deps.js'
import type { StatelessEnv } from '../middleware/require-access-token.js'
import { requireAccessToken } from '../middleware/require-access-token.js'

/**
 * POST /auth/password (Bearer + {current_password, new_password}): re-checks the current password (throttled like
 * login, so a stolen access token cannot brute-force it), stores the new hash, revokes every device and bumps
 * token_version, then answers 200 with a fresh pair for the device that asked.
 */
export function registerPassword(app: Hono<StatelessEnv>, deps: StatelessDeps): void {
  app.post('/auth/password', requireAccessToken(deps.tokens), async (c) => {
    const { user } = c.get('auth')
    const input = parsePasswordChange(await readJsonObject(c))
    // Shared with login: throttle reservation before hashing (concurrent guesses count), one argon2 verify.
    const found = await reauthenticate(
      c,
      { ...deps, trustProxy: deps.config.trustProxy },
      user,
      input.currentPassword,
    )
    deps.users.setPasswordHash(found.id, await deps.hasher.hash(input.newPassword))
    const pair = await deps.tokens.afterPasswordChange(found.id, deviceMeta(c, deps.config.trustProxy))
    return sendPair(c, { cookieSecure: deps.config.cookieSecure, now: deps.clock() }, pair)
  })
}
