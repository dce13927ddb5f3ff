import { setImmediate as yieldToEventLoop } from 'node:timers/promises'
import type { StoreCounters, UserStore } from '@auth-lab/shared'
import { PURGE_BATCH_ROWS } from '@auth-lab/shared'
import type { SessionRecord, SessionStore, SessionWithUser } from './session-store.js'

/**
 * Sessions in this process's memory (`SESSION_STORE=memory`): the store that logs everyone out on restart and
 * does not share sessions between instances, used by the restart and load-balancer experiments.
 * Same semantics as the SQLite store: keyed by SHA-256 of the ID, UPDATE-only writes (a missing key is never
 * re-created), and copies in and out so no two requests share one mutable object (hono-sessions' own
 * MemoryStore hands out the same object, which leaks `_delete` between concurrent requests). The data blob is
 * kept as JSON text, as in SQLite: a read is one small `JSON.parse` (~0.3 µs) where `structuredClone` cost a
 * few µs per request on the GET /me hot path (issue 11 item 9).
 * The user is read from the shared user store, so a lookup is one `sessions` read plus one `users` read.
 * A per-user index (the SQLite store's `user_id` index, the Redis store's per-user set) keeps every per-user
 * operation proportional to that user's sessions: without it each login's session-cap check scanned and copied
 * every row, and logins slowed from 830/s to 480/s between 10,000 and 25,000 sessions (memory experiment, run G4).
 */
export class MemorySessionStore implements SessionStore {
  readonly kind = 'memory'
  private readonly rows = new Map<string, Row>()
  /** userId → the idHashes of that user's rows; a user with no row has no entry. */
  private readonly byUser = new Map<number, Set<string>>()

  constructor(
    private readonly users: Pick<UserStore, 'findById'>,
    private readonly counters: StoreCounters,
  ) {}

  async find(idHash: string): Promise<SessionWithUser | null> {
    this.counters.read('sessions')
    const row = this.rows.get(idHash)
    if (!row) return null
    return { session: copyOut(row), user: this.users.findById(row.userId) }
  }

  async insert(s: SessionRecord): Promise<void> {
    this.counters.write('sessions')
    // Like the primary key in SQLite. (Handles are 128 random bits; a collision is not checked for, to keep login
    // O(1) with many sessions.)
    if (this.rows.has(s.idHash)) throw new Error('duplicate session id')
    this.rows.set(s.idHash, { ...s, data: JSON.stringify(s.data) })
    const own = this.byUser.get(s.userId)
    if (own) own.add(s.idHash)
    else this.byUser.set(s.userId, new Set([s.idHash]))
  }

  async updateData(idHash: string, data: Record<string, unknown>): Promise<boolean> {
    this.counters.write('sessions')
    const row = this.rows.get(idHash)
    if (!row) return false
    row.data = JSON.stringify(data)
    return true
  }

  async touch(idHash: string, lastSeenAt: number, expiresAt: number): Promise<boolean> {
    this.counters.write('sessions')
    const row = this.rows.get(idHash)
    if (!row) return false
    row.lastSeenAt = lastSeenAt
    row.expiresAt = expiresAt
    return true
  }

  async delete(idHash: string): Promise<boolean> {
    this.counters.write('sessions')
    return this.remove(idHash)
  }

  async deleteForUser(userId: number, exceptIdHash?: string): Promise<number> {
    this.counters.write('sessions')
    let n = 0
    for (const k of [...(this.byUser.get(userId) ?? [])]) {
      if (k !== exceptIdHash && this.remove(k)) n++
    }
    return n
  }

  async listForUser(userId: number, now: number): Promise<SessionRecord[]> {
    this.counters.read('sessions')
    return this.userRows(userId)
      .filter((r) => r.expiresAt > now && r.absoluteExpiresAt > now)
      .sort((a, b) => b.createdAt - a.createdAt || (a.handle < b.handle ? -1 : 1))
      .map(copyOut)
  }

  async deleteByHandle(userId: number, handle: string): Promise<boolean> {
    this.counters.write('sessions')
    const row = this.userRows(userId).find((r) => r.handle === handle)
    return row ? this.remove(row.idHash) : false
  }

  /**
   * One pass over the Map, handing the event loop back every PURGE_BATCH_ROWS rows (300,000 expired sessions took
   * 208 ms in one pass here, session 11); `signal` stops it there. A Map iterator survives the inserts and deletes
   * that run in between (it visits what is still there).
   */
  async purgeExpired(now: number, signal?: AbortSignal): Promise<number> {
    this.counters.write('sessions')
    let n = 0
    let seen = 0
    for (const [k, r] of this.rows) {
      if ((r.expiresAt <= now || r.absoluteExpiresAt <= now) && this.remove(k)) n++
      if (++seen % PURGE_BATCH_ROWS === 0) {
        await yieldToEventLoop()
        if (signal?.aborted) break
      }
    }
    return n
  }

  async count(): Promise<number> {
    this.counters.read('sessions')
    return this.rows.size
  }

  private userRows(userId: number): Row[] {
    const rows: Row[] = []
    for (const k of this.byUser.get(userId) ?? []) {
      const r = this.rows.get(k)
      if (r) rows.push(r)
    }
    return rows
  }

  /** Deletes one row and its index entry (the user's entry goes with their last row). */
  private remove(idHash: string): boolean {
    const row = this.rows.get(idHash)
    if (!row) return false
    this.rows.delete(idHash)
    const own = this.byUser.get(row.userId)
    own?.delete(idHash)
    if (own?.size === 0) this.byUser.delete(row.userId)
    return true
  }
}

/** A stored row: the record with its data blob as JSON text (a fresh object on every read, like SQLite's). */
type Row = Omit<SessionRecord, 'data'> & { data: string }

function copyOut(r: Row): SessionRecord {
  return { ...r, data: JSON.parse(r.data) as Record<string, unknown> }
}
