import type { Db, UserStore } from '@auth-lab/shared'
import { publicUser } from '@auth-lab/shared'
import type { RefreshStore } from '../refresh-store.js'
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
  refresh: Pick<RefreshStore, 'restampLive'> & { restampLiveNow?(userId: number, newVersion: number): void }
}): Revocation {
  const { restampLiveNow } = w.refresh
  // SQLite: both writes or neither, in one IMMEDIATE transaction (a bump without the restamp would log every other
  // device out). Redis (TOKEN_STORE=redis) cannot share a transaction with SQLite: the bump commits first, then the
  // restamp; if the restamp fails the other devices must log in again (fail closed), and the request answers 503.
  const bumpAndRestamp = restampLiveNow
    ? w.db.transaction((userId: number) => {
        restampLiveNow.call(w.refresh, userId, w.users.bumpTokenVersion(userId))
      }).immediate
    : undefined
  const cutUser = async (userId: number) => {
    if (bumpAndRestamp) return bumpAndRestamp(userId)
    await w.refresh.restampLive(userId, w.users.bumpTokenVersion(userId))
  }
  return {
    mode: 'version',
    async check(token) {
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
    cut: async (userId, familyIds) => {
      if (familyIds.length > 0) await cutUser(userId)
    },
    onStale: async () => {},
    onLogout: async () => {},
    onLogoutAll: async () => {},
    purge: async () => 0,
  }
}
