import type { StoreCounters, UserStore } from '@auth-lab/shared'
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
 */
export class MemorySessionStore implements SessionStore {
  readonly kind = 'memory'
  private readonly rows = new Map<string, Row>()

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
    return this.rows.delete(idHash)
  }

  async deleteForUser(userId: number, exceptIdHash?: string): Promise<number> {
    this.counters.write('sessions')
    let n = 0
    for (const [k, r] of this.rows) {
      if (r.userId === userId && k !== exceptIdHash) {
        this.rows.delete(k)
        n++
      }
    }
    return n
  }

  async listForUser(userId: number, now: number): Promise<SessionRecord[]> {
    this.counters.read('sessions')
    return [...this.rows.values()]
      .filter((r) => r.userId === userId && r.expiresAt > now && r.absoluteExpiresAt > now)
      .sort((a, b) => b.createdAt - a.createdAt || (a.handle < b.handle ? -1 : 1))
      .map(copyOut)
  }

  async deleteByHandle(userId: number, handle: string): Promise<boolean> {
    this.counters.write('sessions')
    for (const [k, r] of this.rows) {
      if (r.handle === handle && r.userId === userId) return this.rows.delete(k)
    }
    return false
  }

  async purgeExpired(now: number): Promise<number> {
    this.counters.write('sessions')
    let n = 0
    for (const [k, r] of this.rows) {
      if (r.expiresAt <= now || r.absoluteExpiresAt <= now) {
        this.rows.delete(k)
        n++
      }
    }
    return n
  }

  async count(): Promise<number> {
    this.counters.read('sessions')
    return this.rows.size
  }
}

/** A stored row: the record with its data blob as JSON text (a fresh object on every read, like SQLite's). */
type Row = Omit<SessionRecord, 'data'> & { data: string }

function copyOut(r: Row): SessionRecord {
  return { ...r, data: JSON.parse(r.data) as Record<string, unknown> }
}
