import type { User } from '@auth-lab/shared'
import type { SessionData, Store } from 'hono-sessions'
import type { SessionPolicy } from './policy.js'
import type { SessionRecord, SessionStore } from './session-store.js'
import { hashSessionId, isWellFormedSessionId, newHandle, newSessionId } from './session-store.js'

/** What the app keeps in hono-sessions' `_data`: only the user id. Everything else is a column of the row. */
export interface SessionFields {
  uid: number
}

export interface LoadedSession {
  idHash: string
  session: SessionRecord
  user: User
}

/**
 * The hono-sessions `Store` the middleware talks to, created per request around the shared SessionStore
 * (SQLite or memory). Per request because it has to remember what happened during this request, which
 * hono-sessions' interface gives no other way to learn:
 *
 * - `failure`: hono-sessions wraps `getSessionById` in `try {} catch { new anonymous session }`, so a database
 *   fault would look like a logout. The adapter records the error; the session layer answers 503 with it.
 * - timeouts: hono-sessions has no absolute timeout and checks idle expiry with `Date.now()`. The adapter checks
 *   both expiries against the injected clock on every load and deletes a dead row at once (never returns it);
 *   `_expire` handed to hono-sessions stays null so its own check never fires.
 * - throttled sliding expiry: on load, `last_seen_at`/`expires_at` are written only when the touch interval has
 *   passed (one UPDATE), so ordinary reads write nothing. hono-sessions' own per-request extension is off
 *   (`autoExtendExpiration: false`).
 * - no anonymous rows: hono-sessions calls `createSession` for every request without a valid cookie. A session
 *   without a user is never stored (its random placeholder ID is remembered and ignored by later calls), so
 *   only login creates rows.
 * - 256-bit IDs: hono-sessions names new sessions with `crypto.randomUUID()` (122 random bits). When it creates
 *   the logged-in session after `session_key_rotation`, the adapter stores the row under a fresh 256-bit ID of
 *   its own instead and reports it as `issued`; the session layer puts that ID (not the UUID) in the cookie.
 * - UPDATE-only persistence: `persistSessionData` never inserts, so a concurrent logout stays a logout.
 */
export class HonoSessionsStore implements Store {
  loaded: LoadedSession | null = null
  issued: string | null = null
  failure: unknown = undefined
  private readonly placeholders = new Set<string>()

  constructor(
    private readonly store: SessionStore,
    private readonly policy: SessionPolicy,
    /** Read only when a row is created (login, password change): /me never pays for it. */
    private readonly client: () => { userAgent: string | null; ip: string | null },
  ) {}

  getSessionById(id?: string): SessionData | null {
    // Strict mode and untrusted input: a value we could not have issued costs no store read.
    if (!id || !isWellFormedSessionId(id)) return null
    const idHash = hashSessionId(id)
    try {
      const found = this.store.find(idHash)
      if (!found) return null
      const { session, user } = found
      const now = this.policy.clock()
      if (now >= session.expiresAt || now >= session.absoluteExpiresAt || !user || user.disabled) {
        // Expired, or the account is gone or disabled: end the session now rather than at the next purge.
        this.store.delete(idHash)
        return null
      }
      if (now - session.lastSeenAt >= this.policy.touchIntervalMs) {
        const expiresAt = now + this.policy.idleTtlMs
        // UPDATE-only: 0 rows changed means a concurrent logout won; the session is gone.
        if (!this.store.touch(idHash, now, expiresAt)) return null
        session.lastSeenAt = now
        session.expiresAt = expiresAt
      }
      this.loaded = { idHash, session, user }
      return { _data: session.data as SessionData['_data'], _expire: null, _delete: false, _accessed: null }
    } catch (err) {
      this.failure = err
      throw err
    }
  }

  createSession(placeholderId: string, initial: SessionData): void {
    const uid = (initial._data as Partial<Record<keyof SessionFields, { value: unknown }>>).uid?.value
    if (typeof uid !== 'number') {
      this.placeholders.add(placeholderId)
      return
    }
    const now = this.policy.clock()
    const id = newSessionId()
    const client = this.client()
    this.store.insert({
      idHash: hashSessionId(id),
      handle: newHandle(),
      userId: uid,
      data: { uid: { value: uid, flash: false } },
      createdAt: now,
      lastSeenAt: now,
      expiresAt: now + this.policy.idleTtlMs,
      absoluteExpiresAt: now + this.policy.absoluteTtlMs,
      userAgent: client.userAgent,
      ip: client.ip,
    })
    this.issued = id
  }

  persistSessionData(id: string, data: SessionData): void {
    if (this.placeholders.has(id) || !isWellFormedSessionId(id)) return
    this.store.updateData(hashSessionId(id), data._data)
  }

  deleteSession(id: string): void {
    if (this.placeholders.has(id) || !isWellFormedSessionId(id)) return
    this.store.delete(hashSessionId(id))
  }
}
