/**
 * The session core (lucia-style): every session rule of the stateful app, as plain functions of a store and the
 * injected clock that return values. No Hono, no hono-sessions: the shim (hono-sessions-shim.ts) and the routes call
 * these and turn `null` into a 401 at the HTTP edge.
 *
 * What is issued: a 256-bit random ID (CSPRNG, base64url, 43 chars) that only the browser holds, in an HttpOnly
 * cookie. The row is keyed by SHA-256(ID) (`idHash`), so a leaked table holds nothing a cookie can replay.
 *
 * Lifetime, decided on the server from the injected clock, never from the cookie:
 * - idle timeout: a session not seen for `idleTtlSeconds` is over (`expiresAt`);
 * - absolute timeout: a session older than `absoluteTtlSeconds` is over whatever its activity;
 * - sliding expiry is written at most once per touch interval = min(SESSION_TOUCH_INTERVAL (60 s), idle / 2): once a
 *   minute with the default 30-minute window, twice per window when it is shorter than two minutes (a 3 s test
 *   window still slides). So a read-only request inside the interval costs one store read and zero writes; the
 *   price is that the session may end up to one interval before `idle` after the last request.
 * - a session whose user is gone or disabled ends at its next use (deleted on sight, not at the next purge).
 *
 * Writes are UPDATE-only after the one INSERT of `create`: a request that validated a session before a concurrent
 * logout deleted it can never bring it back (0 rows changed ⇒ the session is over).
 */
import { createHash, randomBytes } from 'node:crypto'
import type { Clock, User } from '@auth-lab/shared'
import type { SessionRecord, SessionStore } from './session-store.js'

/** What a valid session gives the request: the row (with its `idHash`) and its live, enabled user. */
export interface ValidSession {
  session: SessionRecord
  user: User
}

/** Recorded on the row at creation, shown in the session list. */
export interface ClientInfo {
  userAgent: string | null
  ip: string | null
}

export interface SessionPolicy {
  clock: Clock
  idleTtlSeconds: number
  absoluteTtlSeconds: number
  touchIntervalSeconds: number
  /** Live sessions per user; `create` ends the oldest beyond it. */
  maxPerUser?: number
}

export class Sessions {
  private readonly clock: Clock
  private readonly idleMs: number
  private readonly absoluteMs: number
  /** The throttle of the sliding-expiry write. */
  readonly touchIntervalMs: number

  constructor(
    private readonly store: SessionStore,
    policy: SessionPolicy,
  ) {
    this.clock = policy.clock
    this.idleMs = policy.idleTtlSeconds * 1000
    this.absoluteMs = policy.absoluteTtlSeconds * 1000
    this.touchIntervalMs = Math.min(policy.touchIntervalSeconds * 1000, Math.floor(this.idleMs / 2))
    this.maxPerUser = policy.maxPerUser ?? Number.POSITIVE_INFINITY
  }

  private readonly maxPerUser: number

  /**
   * The session for a cookie value, or null (malformed, unknown, expired, logged out, user gone or disabled — the
   * caller cannot and need not tell them apart). One store read; a write only to end a dead session or for the
   * throttled touch. Store errors are thrown, never turned into null: a broken store is not a logout.
   */
  async validate(id: string): Promise<ValidSession | null> {
    if (!isWellFormedSessionId(id)) return null // untrusted input we could not have issued: no store read
    const idHash = hashSessionId(id)
    const found = await this.store.find(idHash)
    if (!found) return null
    const { session, user } = found
    const now = this.clock()
    if (
      now >= session.expiresAt ||
      now >= session.absoluteExpiresAt ||
      !user ||
      user.disabled ||
      user.credentialEpoch !== session.credentialEpoch // credentials ended in either app since the login
    ) {
      await this.store.delete(idHash)
      return null
    }
    if (now - session.lastSeenAt < this.touchIntervalMs) return { session, user }
    const expiresAt = now + this.idleMs
    // UPDATE-only: 0 rows changed means a concurrent logout won; the session is gone.
    if (!(await this.store.touch(idHash, now, expiresAt))) return null
    return { session: { ...session, lastSeenAt: now, expiresAt }, user }
  }

  /**
   * A new session for the user (login, password change): one INSERT, stamped with the user's current credential
   * epoch. `id` goes in the cookie and nowhere else.
   */
  async create(
    user: Pick<User, 'id' | 'credentialEpoch'>,
    client: ClientInfo,
    data: Record<string, unknown> = {},
  ): Promise<{ id: string; session: SessionRecord }> {
    const now = this.clock()
    const id = newSessionId()
    const session: SessionRecord = {
      idHash: hashSessionId(id),
      handle: randomBytes(16).toString('base64url'), // 128 bits; public, authenticates nothing
      userId: user.id,
      credentialEpoch: user.credentialEpoch,
      data,
      createdAt: now,
      lastSeenAt: now,
      expiresAt: now + this.idleMs,
      absoluteExpiresAt: now + this.absoluteMs,
      userAgent: client.userAgent,
      ip: client.ip,
    }
    await this.store.insert(session)
    await this.evictBeyondCap(user.id, session.handle)
    return { id, session }
  }

  /**
   * F9: a user holds at most `maxPerUser` live sessions; the oldest beyond that end now. One list read per login
   * (argon2 dominates a login anyway); concurrent logins may briefly exceed the cap by their number, never grow it.
   * Never the session just created (`keep`): concurrent logins can share a millisecond of `createdAt`, and the order
   * among equals is arbitrary, so without this a login could end its own new session.
   */
  private async evictBeyondCap(userId: number, keep: string): Promise<void> {
    if (!Number.isFinite(this.maxPerUser)) return
    const others = (await this.store.listForUser(userId, this.clock())).filter((s) => s.handle !== keep) // newest first
    for (const old of others.slice(Math.max(0, this.maxPerUser - 1)))
      await this.store.deleteByHandle(userId, old.handle)
  }

  /** Replaces the session's data blob. UPDATE-only: false when the session no longer exists. */
  async setData(idHash: string, data: Record<string, unknown>): Promise<boolean> {
    return this.store.updateData(idHash, data)
  }

  /** Ends one session (logout). Keyed by `idHash` like lucia's `invalidateSession(sessionId)`. */
  async invalidate(idHash: string): Promise<boolean> {
    return this.store.delete(idHash)
  }

  /** Ends every session of the user, except `exceptIdHash` when given (logout-all, password change). */
  async invalidateUser(userId: number, exceptIdHash?: string): Promise<number> {
    return this.store.deleteForUser(userId, exceptIdHash)
  }

  /** The user's live sessions, newest first. */
  async list(userId: number): Promise<SessionRecord[]> {
    return this.store.listForUser(userId, this.clock())
  }

  /** Ends the user's session with this public handle; false when unknown or someone else's (same answer). */
  async invalidateByHandle(userId: number, handle: string): Promise<boolean> {
    if (handle.length > 64) return false // longer than any handle we mint: no store work
    return this.store.deleteByHandle(userId, handle)
  }

  /** Deletes sessions past either expiry (validate enforces expiry anyway; this keeps the table small). */
  async purge(signal?: AbortSignal): Promise<number> {
    return this.store.purgeExpired(this.clock(), signal)
  }
}

/** Expiry as the API reports it: the earlier of the idle and the absolute expiry. */
export function sessionExpiresAt(session: SessionRecord): number {
  return Math.min(session.expiresAt, session.absoluteExpiresAt)
}

/** A fresh session ID: 32 bytes from the CSPRNG (256 bits), base64url, 43 characters. */
export function newSessionId(): string {
  return randomBytes(32).toString('base64url')
}

const SESSION_ID = /^[A-Za-z0-9_-]{43}$/

/** Cookie values are untrusted input: anything not shaped like our IDs is rejected before it costs a store read. */
export function isWellFormedSessionId(value: string): boolean {
  return SESSION_ID.test(value)
}

export function hashSessionId(id: string): string {
  return createHash('sha256').update(id).digest('hex')
}
