import type { Clock, Db, PublicUser, RedisHandle, StoreCounters, UserStore } from '@auth-lab/shared'
import type { RevocationMode } from '../../config.js'
import type { VerifiedAccess } from '../access-token.js'
import { Denylist } from '../denylist.js'
import { RedisDenylist } from '../redis-denylist.js'
import type { RefreshStore } from '../refresh-store.js'
import { denylistRevocation } from './denylist.js'
import { noneRevocation } from './none.js'
import { versionRevocation } from './version.js'

/**
 * How a stateless access token dies before its `exp`: one strategy per REVOCATION mode, chosen once at wiring.
 * Refresh families are revoked in the store in every mode (the token service does that); a strategy only decides
 * what happens to the *access* tokens of those families, and what the per-request check costs:
 * - `none` (none.ts): nothing reaches a self-contained token; `check` reads nothing.
 * - `denylist` (denylist.ts): a `jti` or `sid` entry per revoked token or device; `check` makes one deny-list read.
 * - `version` (version.ts): the user's token_version is bumped; `check` makes one users read.
 */
export interface Revocation {
  readonly mode: RevocationMode
  /** The per-request check after the signature verified: the user to serve, or null if revoked. */
  check(token: VerifiedAccess): Promise<PublicUser | null>
  /** These families were just revoked (logout, device revocation, reuse): cut their live access tokens. */
  cut(userId: number, familyIds: readonly string[]): Promise<void>
  /** A refresh found its family stale (user disabled, or token_version changed) and revoked it. */
  onStale(userId: number, familyId: string): Promise<void>
  /** Logout presented this verified access token: cut that one token too. */
  onLogout(token: VerifiedAccess): Promise<void>
  /** Logout-all revoked these families and already bumped token_version (every mode does). */
  onLogoutAll(userId: number, familyIds: readonly string[]): Promise<void>
  /** Deletes entries that can no longer concern a live token; returns how many. */
  purge(signal?: AbortSignal): Promise<number>
}

export interface RevocationWiring {
  db: Db
  counters: StoreCounters
  clock: Clock
  users: UserStore
  refresh: Pick<RefreshStore, 'restampLive'> & { restampLiveNow?(userId: number, newVersion: number): void }
  /** TOKEN_STORE=redis: the deny-list lives in Redis too. */
  redis?: RedisHandle
  /** Seconds: how long an issued access token can verify (its TTL plus the verifier's leeway). */
  accessTtl: number
  clockTolerance: number
}

/** The strategy for `mode`, with the stores it needs (only `denylist` opens the deny-list). */
export function openRevocation(mode: RevocationMode, w: RevocationWiring): Revocation {
  switch (mode) {
    case 'none':
      return noneRevocation()
    case 'denylist':
      return denylistRevocation(
        w.redis
          ? new RedisDenylist(w.redis, w.users, w.counters, w.clock)
          : new Denylist(w.db, w.counters, w.clock),
        {
          clock: w.clock,
          accessTtl: w.accessTtl,
          clockTolerance: w.clockTolerance,
        },
      )
    case 'version':
      return versionRevocation(w)
  }
}
