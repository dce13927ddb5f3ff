import type { Db, UserStore } from '@auth-lab/shared'
import { publicUser } from '@auth-lab/shared'
import type { RefreshTokens } from '../refresh-token.js'
import type { Revocation } from './index.js'

/**
 * REVOCATION=version: every access token carries the user's token_version (`ver`); the check reads the users row
 * and refuses a token whose `ver` differs, or a disabled user, and serves the row's current data.
 * Cutting one device bumps the version, which cuts every access token of the user (the mode's granularity); in
 * the same IMMEDIATE transaction the user's other live refresh families are restamped to the new version, so
 * those devices recover with one refresh instead of being logged out. A stale family needs nothing more: its
 * access tokens already carry an outdated `ver`. Logout-all's own bump is enough too.
 */
export function versionRevocation(w: {
  db: Db
  users: UserStore
  refresh: Pick<RefreshTokens, 'restampLive'>
}): Revocation {
  // Both writes or neither: a bump without the restamp would log every other device out.
  const bumpAndRestamp = w.db.transaction((userId: number) => {
    const version = w.users.bumpTokenVersion(userId)
    w.refresh.restampLive(userId, version)
  }).immediate
  return {
    mode: 'version',
    check(token) {
      const u = w.users.findById(token.user.id)
      if (
        !u ||
        u.disabled ||
        u.tokenVersion !== token.tokenVersion ||
        u.credentialEpoch !== token.credentialEpoch
      )
        return null
      return publicUser(u)
    },
    cut: (userId, familyIds) => {
      if (familyIds.length > 0) bumpAndRestamp(userId)
    },
    onStale: () => {},
    onLogout: () => {},
    onLogoutAll: () => {},
    purge: () => 0,
  }
}
