import {
  parsePasswordChange,
  passwordChangedMeanwhile,
  readJsonObject,
  reauthenticate,
} from '@auth-lab/shared'
import { Hono } from 'hono'
import { deviceMeta, sendPair } from '../auth/respond.js'
import type { AppEnv, Deps } from '../env.js'
import { requireAccessToken } from '../middleware/require-access-token.js'

/**
 * POST /auth/password (Bearer + {current_password, new_password}): re-checks the current password through the
 * shared `reauthenticate` (throttled like login, so a stolen access token cannot brute-force it; the stored row
 * must still be this user and not disabled), stores the new hash, revokes every device and bumps token_version,
 * then answers 200 with a fresh pair for the device that asked.
 */
export function passwordRoutes(deps: Deps): Hono<AppEnv> {
  return new Hono<AppEnv>().post('/auth/password', requireAccessToken(deps.tokens), async (c) => {
    const input = parsePasswordChange(await readJsonObject(c))
    const loginDeps = { ...deps, trustProxy: deps.config.trustProxy }
    const user = await reauthenticate(c, loginDeps, c.get('auth').user, input.currentPassword)
    // Conditional on the hash just verified: of two changes racing with the same old password exactly one wins
    // (found in review: both succeeded, the last write won). It also ends every credential of the user (F2).
    const ended = deps.users.changePassword(
      user.id,
      user.verifiedHash,
      await deps.hasher.hash(input.newPassword),
    )
    if (!ended) throw passwordChangedMeanwhile()
    const pair = await deps.tokens.afterPasswordChange(
      user.id,
      ended,
      deviceMeta(c, deps.config.trustProxy),
      deps.onUnexpected,
    )
    return sendPair(c, { cookieSecure: deps.config.cookieSecure, now: deps.clock() }, pair)
  })
}
