/**
 * Where refresh families and tokens live: SQLite (`RefreshTokens`, refresh-token.ts, the default) or Redis
 * (`RedisRefreshTokens`, TOKEN_STORE=redis). Both follow the rules refresh-token.ts spells out (hashed tokens,
 * rotation with exactly one winner, reuse ⇒ family revoked, grace window, idle and absolute expiry). Every method
 * returns a promise (Redis is a network hop); store failures reject (→ 503), they are never "invalid".
 */
import type { User } from '@auth-lab/shared'
import type { FamilyView, IssuedRefresh, RotateResult } from './refresh-token.js'

export interface RefreshStore {
  readonly kind: 'sqlite' | 'redis'
  /** Starts a family for a fresh login and returns its first token. */
  create(
    user: Pick<User, 'id' | 'tokenVersion' | 'credentialEpoch'>,
    meta?: { userAgent?: string; ip?: string },
  ): Promise<IssuedRefresh>
  /** Consumes `token` and issues its child, atomically. Malformed tokens are refused without a store access. */
  rotate(token: string): Promise<RotateResult>
  /**
   * Revokes one family; true if it was live — or (Redis) revoked earlier with its cut never confirmed, so the
   * caller cuts again: a retry after a cut that failed with 503 finishes the job.
   */
  revokeFamily(familyId: string, reason: string): Promise<boolean>
  /**
   * Confirms that these revoked families' access tokens were cut (Redis: the `cd` field). SQLite: nothing to do —
   * revoke and cut are writes to one local file in one process, not two round trips to a store that can fail
   * between them.
   */
  cutDone(userId: number, familyIds: readonly string[]): Promise<void>
  /** A family of this user that was revoked and whose cut was never confirmed (Redis; always false on SQLite). */
  cutPending(userId: number, familyId: string): Promise<boolean>
  /** The family a presented token belongs to (logout by cookie), or null. No validity check. */
  familyOf(token: string | undefined): Promise<{ familyId: string; userId: number } | null>
  /** Revokes every live family of a user (and, on Redis, those whose cut is pending); returns their ids. */
  revokeAllForUser(userId: number, reason: string): Promise<string[]>
  /** The user's live devices, newest first. */
  listForUser(userId: number): Promise<FamilyView[]>
  /** REVOCATION=version: carries the user's live families on `newVersion − 1` over to `newVersion`. */
  restampLive(userId: number, newVersion: number): Promise<void>
  /** Deletes dead families and tokens (Redis: 0, its keys expire by TTL). */
  purge(now?: number, signal?: AbortSignal): Promise<number>
}
