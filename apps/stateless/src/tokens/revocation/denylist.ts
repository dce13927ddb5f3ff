import type { Clock } from '@auth-lab/shared'
import type { DenylistStore } from '../denylist.js'
import type { Revocation } from './index.js'

/**
 * REVOCATION=denylist (the default): revoked access tokens are listed until they would be refused anyway.
 * - logout with a Bearer token lists its `jti` until its own `exp` + clock tolerance;
 * - a revoked device (logout, device revocation, logout-all, password change, reuse, stale family) lists its
 *   `sid` for ACCESS_TTL + tolerance from now, which covers every access token the family can have issued.
 * The check is ONE statement covering both keys and the user's credential epoch (a password change, disable or
 * logout-all in either app ends every older token at once, F2); the user's name and role come from the claims.
 */
export function denylistRevocation(
  denylist: DenylistStore,
  opts: { clock: Clock; accessTtl: number; clockTolerance: number },
): Revocation {
  const retentionMs = (opts.accessTtl + opts.clockTolerance) * 1000
  const denyFamilies = async (userId: number, familyIds: readonly string[]) => {
    if (familyIds.length > 0) await denylist.denyFamilies(userId, familyIds, opts.clock() + retentionMs)
  }
  return {
    mode: 'denylist',
    check: async (token) =>
      (await denylist.isDenied(token.jti, token.sid, {
        id: token.user.id,
        credentialEpoch: token.credentialEpoch,
      }))
        ? null
        : token.user,
    cut: (userId, familyIds) => denyFamilies(userId, familyIds),
    onStale: (userId, familyId) => denyFamilies(userId, [familyId]),
    onLogout: (token) =>
      denylist.denyToken(token.user.id, token.jti, (token.exp + opts.clockTolerance) * 1000),
    onLogoutAll: (userId, familyIds) => denyFamilies(userId, familyIds),
    purge: (signal) => denylist.purge(undefined, signal),
  }
}
