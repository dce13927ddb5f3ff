import type { Clock } from '@auth-lab/shared'
import type { Denylist } from '../denylist.js'
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
  denylist: Denylist,
  opts: { clock: Clock; accessTtl: number; clockTolerance: number },
): Revocation {
  const retentionMs = (opts.accessTtl + opts.clockTolerance) * 1000
  const denyFamilies = (familyIds: readonly string[]) => {
    if (familyIds.length > 0) denylist.denyFamilies(familyIds, opts.clock() + retentionMs)
  }
  return {
    mode: 'denylist',
    check: (token) =>
      denylist.isDenied(token.jti, token.sid, { id: token.user.id, credentialEpoch: token.credentialEpoch })
        ? null
        : token.user,
    cut: (_userId, familyIds) => denyFamilies(familyIds),
    onStale: (_userId, familyId) => denyFamilies([familyId]),
    onLogout: (token) => denylist.denyToken(token.jti, (token.exp + opts.clockTolerance) * 1000),
    onLogoutAll: (_userId, familyIds) => denyFamilies(familyIds),
    purge: () => denylist.purge(),
  }
}
