/**
 * The session storage interface every backend implements (SQLite, memory, Redis), lucia-adapter style: verb-first
 * methods, "not found" is `null`, every call counts one store read or write in `metrics.store` (table `sessions`).
 * Every method returns a promise, because Redis is a network hop; SQLite and memory stay synchronous inside (a
 * resolved promise), so their per-request cost does not change.
 *
 * What is stored: never the session ID itself. The browser holds a 256-bit random ID in an HttpOnly cookie; the
 * server keys the row by SHA-256(ID) (`idHash`), so a leaked table or backup holds no cookie anyone can replay.
 * The row also carries a separate random `handle`, the public name of a session in `GET /auth/sessions` and
 * `DELETE /auth/sessions/:id`, so listing sessions never reveals anything that authenticates.
 *
 * Writes are UPDATE-only after the one INSERT at login: a request that loaded a session before a concurrent logout
 * deleted it can never bring it back (the "logout resurrection" an upsert would allow).
 */
import type { User } from '@auth-lab/shared'

export interface SessionRecord {
  /** hex SHA-256 of the session ID; the primary key. */
  idHash: string
  /** Public, random handle used by the session list; unrelated to the ID. */
  handle: string
  userId: number
  /** The user's credential epoch when the session was created; a newer one on the user ends it (F2). */
  credentialEpoch: number
  /** The app's session data blob (JSON; hono-sessions' `_data`, which holds only `uid` today). */
  data: Record<string, unknown>
  /** All times are epoch milliseconds from the injected clock. */
  createdAt: number
  lastSeenAt: number
  /** Idle expiry: `lastSeenAt + SESSION_IDLE_TTL` as of the last (throttled) touch. */
  expiresAt: number
  /** Absolute expiry: `createdAt + SESSION_ABSOLUTE_TTL`; never moves. */
  absoluteExpiresAt: number
  userAgent: string | null
  ip: string | null
}

/** A session together with its user (null when the user row is gone). */
export interface SessionWithUser {
  session: SessionRecord
  user: User | null
}

export interface SessionStore {
  readonly kind: 'sqlite' | 'memory' | 'redis'
  /**
   * The session and its user. SQLite: ONE statement (sessions JOIN users); memory: Map lookup + one users read;
   * Redis: ONE round trip (HGETALL) + one users read.
   */
  find(idHash: string): Promise<SessionWithUser | null>
  insert(record: SessionRecord): Promise<void>
  /** UPDATE-only: false (and nothing written) when the row no longer exists. */
  updateData(idHash: string, data: Record<string, unknown>): Promise<boolean>
  /** The throttled sliding-expiry write. UPDATE-only. */
  touch(idHash: string, lastSeenAt: number, expiresAt: number): Promise<boolean>
  delete(idHash: string): Promise<boolean>
  /** Deletes every session of the user except `exceptIdHash` (if given); returns how many. */
  deleteForUser(userId: number, exceptIdHash?: string): Promise<number>
  /** The user's sessions that are still valid at `now`, newest first. */
  listForUser(userId: number, now: number): Promise<SessionRecord[]>
  /** Deletes the user's session with this handle; false when there is none (or it belongs to someone else). */
  deleteByHandle(userId: number, handle: string): Promise<boolean>
  /**
   * Deletes rows past their idle or absolute expiry; returns how many (Redis: 0, its keys expire by TTL). SQLite
   * deletes in batches and yields between them (`deleteInBatches`); `signal` stops it between batches.
   */
  purgeExpired(now: number, signal?: AbortSignal): Promise<number>
  count(): Promise<number>
  close?(): Promise<void>
}
