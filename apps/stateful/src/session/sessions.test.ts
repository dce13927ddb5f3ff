import { createHash } from 'node:crypto'
import {
  Metrics,
  manualClock,
  migrate,
  openDatabase,
  PasswordHasher,
  SqliteUserStore,
  TEST_COST,
  userMigrations,
} from '@auth-lab/shared'
import { describe, expect, it } from 'vitest'
import { MemorySessionStore } from './memory-session-store.js'
import { sessionMigrations } from './schema.js'
import type { SessionStore } from './session-store.js'
import { hashSessionId, isWellFormedSessionId, newSessionId, Sessions } from './sessions.js'
import { SqliteSessionStore } from './sqlite-session-store.js'

const T0 = Date.UTC(2026, 0, 1)
const SEC = 1000
const MIN = 60 * SEC
const CLIENT = { userAgent: 'ua', ip: '1.2.3.4' }

/** The core over a real store on a fresh in-memory database, with alice and bob and a manual clock. */
function setup(
  kind: 'sqlite' | 'memory',
  policy: {
    idleTtlSeconds: number
    absoluteTtlSeconds: number
    touchIntervalSeconds: number
    maxPerUser?: number
  } = {
    idleTtlSeconds: 600,
    absoluteTtlSeconds: 3600,
    touchIntervalSeconds: 60,
  },
  wrap: (s: SessionStore) => SessionStore = (s) => s,
) {
  const clock = manualClock(T0)
  const db = openDatabase(':memory:')
  migrate(db, 'users', userMigrations)
  migrate(db, 'stateful', sessionMigrations)
  const metrics = new Metrics('test')
  const users = new SqliteUserStore(db, new PasswordHasher(TEST_COST), metrics.store, clock)
  users.createMany(['alice', 'bob'], 'not-a-real-hash')
  const alice = users.findByUsername('alice')!.id
  const bob = users.findByUsername('bob')!.id
  const store = wrap(
    kind === 'sqlite'
      ? new SqliteSessionStore(db, metrics.store)
      : new MemorySessionStore(users, metrics.store),
  )
  const sessions = new Sessions(store, { clock, ...policy })
  const counts = () => ({
    reads: metrics.store.get('read', 'sessions'),
    writes: metrics.store.get('write', 'sessions'),
  })
  return { db, clock, users, store, sessions, counts, alice, bob }
}

/** A user as `create` needs it: its id and (for these tests) the initial credential epoch. */
const fresh = (id: number) => ({ id, credentialEpoch: 0 })

describe('session IDs', () => {
  it('are 256-bit base64url strings, unique, and hashed with SHA-256 hex', () => {
    const ids = new Set(Array.from({ length: 1000 }, newSessionId))
    expect(ids.size).toBe(1000)
    for (const id of ids) {
      expect(isWellFormedSessionId(id)).toBe(true)
      expect(Buffer.from(id, 'base64url')).toHaveLength(32)
    }
    expect(hashSessionId('abc')).toBe(createHash('sha256').update('abc').digest('hex'))
    expect(isWellFormedSessionId('550e8400-e29b-41d4-a716-446655440000')).toBe(false)
    expect(isWellFormedSessionId(`${'a'.repeat(42)}=`)).toBe(false)
  })
})

describe.each(['sqlite', 'memory'] as const)('session core over the %s store', (kind) => {
  it('create: a 256-bit ID, the row keyed by its SHA-256 with both expiries and the client; one INSERT', () => {
    const { sessions, store, counts, alice } = setup(kind)
    const { id, session } = sessions.create(fresh(alice), CLIENT)
    expect(id).toMatch(/^[A-Za-z0-9_-]{43}$/)
    expect(Buffer.from(id, 'base64url')).toHaveLength(32)
    expect(session).toMatchObject({
      idHash: createHash('sha256').update(id).digest('hex'),
      userId: alice,
      createdAt: T0,
      lastSeenAt: T0,
      expiresAt: T0 + 10 * MIN,
      absoluteExpiresAt: T0 + 60 * MIN,
      userAgent: 'ua',
      ip: '1.2.3.4',
    })
    expect(session.handle).not.toBe(session.idHash)
    expect(store.find(session.idHash)?.session).toEqual(session)
    expect(counts()).toEqual({ reads: 1, writes: 1 })
  })

  it('validate: one read and no write inside the touch interval; the value names the user', () => {
    const { sessions, counts, alice, clock } = setup(kind)
    const { id, session } = sessions.create(fresh(alice), CLIENT)
    const before = counts()
    for (let i = 0; i < 5; i++) {
      clock.advance(10 * SEC)
      const valid = sessions.validate(id)
      expect(valid?.user.username).toBe('alice')
      expect(valid?.session).toEqual(session)
    }
    expect(counts()).toEqual({ reads: before.reads + 5, writes: before.writes })
  })

  it('validate: values we could not have issued are null without a store read', () => {
    const { sessions, counts } = setup(kind)
    for (const v of ['', 'short', "' OR 1=1--", 'x'.repeat(4096), crypto.randomUUID()]) {
      expect(sessions.validate(v)).toBeNull()
    }
    expect(sessions.validate(newSessionId())).toBeNull() // well-formed but unknown: one read
    expect(counts()).toEqual({ reads: 1, writes: 0 })
  })

  it('touch throttle: at most one write per touch interval, and it slides the idle expiry', () => {
    const { sessions, counts, alice, clock } = setup(kind)
    const { id } = sessions.create(fresh(alice), CLIENT)
    const before = counts().writes
    clock.advance(MIN - 1)
    expect(sessions.validate(id)?.session.expiresAt).toBe(T0 + 10 * MIN)
    expect(counts().writes).toBe(before)
    clock.advance(1) // exactly one interval since the last touch
    const touched = sessions.validate(id)!
    expect(touched.session.lastSeenAt).toBe(T0 + MIN)
    expect(touched.session.expiresAt).toBe(T0 + 11 * MIN)
    expect(counts().writes).toBe(before + 1)
    sessions.validate(id)
    clock.advance(MIN - 1)
    sessions.validate(id)
    expect(counts().writes).toBe(before + 1)
  })

  it('touch interval is min(SESSION_TOUCH_INTERVAL, idle / 2)', () => {
    expect(setup(kind).sessions.touchIntervalMs).toBe(MIN)
    const short = setup(kind, { idleTtlSeconds: 3, absoluteTtlSeconds: 8, touchIntervalSeconds: 60 })
    expect(short.sessions.touchIntervalMs).toBe(1500)
  })

  it('idle: valid until the idle expiry, then null and the row deleted on sight', () => {
    const { sessions, store, alice, clock } = setup(kind)
    const { id, session } = sessions.create(fresh(alice), CLIENT)
    clock.advance(10 * MIN - 1)
    expect(sessions.validate(id)).not.toBeNull() // touched: a fresh 10 minutes from now
    clock.advance(10 * MIN - 1)
    expect(sessions.validate(id)).not.toBeNull()
    clock.advance(10 * MIN)
    expect(sessions.validate(id)).toBeNull()
    expect(store.find(session.idHash)).toBeNull()
    expect(store.count()).toBe(0)
  })

  it('absolute: ends absoluteTtl after creation despite constant activity', () => {
    const { sessions, store, alice, clock } = setup(kind)
    const { id } = sessions.create(fresh(alice), CLIENT)
    for (let t = 5; t < 60; t += 5) {
      clock.set(T0 + t * MIN)
      expect(sessions.validate(id), `at ${t} min`).not.toBeNull()
    }
    clock.set(T0 + 60 * MIN)
    expect(sessions.validate(id)).toBeNull()
    expect(store.count()).toBe(0)
  })

  it('a disabled or deleted user ends the session: null and the row deleted', () => {
    const { sessions, store, users, db, alice, bob } = setup(kind)
    const a = sessions.create(fresh(alice), CLIENT)
    const b = sessions.create(fresh(bob), CLIENT)
    users.setDisabled(alice, true)
    expect(sessions.validate(a.id)).toBeNull()
    expect(store.find(a.session.idHash)).toBeNull()
    db.prepare('DELETE FROM users WHERE id = ?').run(bob) // SQLite cascades; the memory store sees no user
    expect(sessions.validate(b.id)).toBeNull()
    expect(store.count()).toBe(0)
  })

  it('credentials ended in either app (the credential epoch moved on) end the session; one read, no extra', () => {
    const { sessions, store, users, counts, alice, bob } = setup(kind)
    const a = sessions.create(fresh(alice), CLIENT)
    const b = sessions.create(fresh(bob), CLIENT)
    const before = counts()
    users.endCredentials(alice) // what the stateless app's password change or logout-all does to the shared row
    expect(sessions.validate(a.id)).toBeNull()
    expect(store.find(a.session.idHash)).toBeNull()
    expect(sessions.validate(b.id)?.user.id).toBe(bob) // other users untouched
    // A session created under the new epoch is valid.
    const again = sessions.create(users.findById(alice)!, CLIENT)
    expect(sessions.validate(again.id)?.user.id).toBe(alice)
    expect(counts().reads - before.reads).toBe(4) // a, the check of a, b, again: one sessions read each
  })

  it('concurrent invalidate vs touch: a logout between the read and the touch wins, and stays', () => {
    let logoutDuringRead: (() => void) | undefined
    const t = setup(kind, undefined, (inner) => ({
      ...bind(inner),
      find(idHash: string) {
        const found = inner.find(idHash)
        logoutDuringRead?.() // another request logs out after this one read the row
        return found
      },
    }))
    const { id, session } = t.sessions.create(fresh(t.alice), CLIENT)
    t.clock.advance(2 * MIN) // so this validate wants to touch
    logoutDuringRead = () => t.sessions.invalidate(session.idHash)
    expect(t.sessions.validate(id)).toBeNull() // the UPDATE-only touch changed 0 rows
    logoutDuringRead = undefined
    expect(t.store.count()).toBe(0)
    expect(t.sessions.validate(id)).toBeNull()
  })

  it('logout resurrection: a request that validated before a logout cannot write the session back', () => {
    const { sessions, store, alice } = setup(kind)
    const { id } = sessions.create(
      fresh(alice),
      { userAgent: null, ip: null },
      { uid: { value: alice, flash: false } },
    )
    const slow = sessions.validate(id)! // request A, in flight
    expect(sessions.invalidate(slow.session.idHash)).toBe(true) // request B logs out
    expect(sessions.setData(slow.session.idHash, { uid: { value: alice, flash: false }, extra: 1 })).toBe(
      false,
    )
    expect(store.count()).toBe(0)
    expect(sessions.validate(id)).toBeNull()
  })

  it('store errors are thrown, never turned into "no session"', () => {
    const { sessions, alice } = setup(kind, undefined, (inner) => ({
      ...bind(inner),
      find: () => {
        throw Object.assign(new Error('disk I/O error'), { code: 'SQLITE_IOERR' })
      },
    }))
    const { id } = sessions.create(fresh(alice), CLIENT)
    expect(() => sessions.validate(id)).toThrow(expect.objectContaining({ code: 'SQLITE_IOERR' }))
  })

  it('F9: at most maxPerUser live sessions per user; a login beyond it ends the oldest, other users untouched', () => {
    const { sessions, clock, alice, bob } = setup(kind, {
      idleTtlSeconds: 600,
      absoluteTtlSeconds: 3600,
      touchIntervalSeconds: 60,
      maxPerUser: 3,
    })
    const b = sessions.create(fresh(bob), CLIENT)
    const ids: string[] = []
    for (let i = 0; i < 5; i++) {
      ids.push(sessions.create(fresh(alice), CLIENT).id)
      clock.advance(SEC) // distinct creation times: "oldest" is well defined
    }
    expect(sessions.list(alice)).toHaveLength(3)
    expect(ids.map((id) => sessions.validate(id) !== null)).toEqual([false, false, true, true, true])
    expect(sessions.validate(b.id)?.user.id).toBe(bob)
  })

  it('invalidateUser (with an exception), list and invalidateByHandle (owner only), purge', () => {
    const { sessions, store, counts, alice, bob, clock } = setup(kind)
    const a1 = sessions.create(fresh(alice), CLIENT)
    clock.advance(SEC)
    const a2 = sessions.create(fresh(alice), CLIENT)
    const b1 = sessions.create(fresh(bob), CLIENT)
    expect(sessions.list(alice).map((s) => s.handle)).toEqual([a2.session.handle, a1.session.handle])
    expect(sessions.invalidateByHandle(alice, b1.session.handle)).toBe(false)
    const writes = counts().writes
    expect(sessions.invalidateByHandle(alice, 'h'.repeat(65))).toBe(false)
    expect(counts().writes).toBe(writes) // longer than any handle we mint: no store work
    expect(sessions.invalidateUser(alice, a1.session.idHash)).toBe(1)
    expect(sessions.validate(a2.id)).toBeNull()
    expect(sessions.validate(a1.id)).not.toBeNull()
    expect(sessions.invalidateByHandle(bob, b1.session.handle)).toBe(true)
    clock.advance(10 * MIN)
    expect(sessions.list(alice)).toEqual([])
    expect(sessions.purge()).toBe(1)
    expect(store.count()).toBe(0)
  })
})

/** The store's methods bound to it, so a test can override one and keep the rest. */
function bind(store: SessionStore): SessionStore {
  return {
    kind: store.kind,
    find: store.find.bind(store),
    insert: store.insert.bind(store),
    updateData: store.updateData.bind(store),
    touch: store.touch.bind(store),
    delete: store.delete.bind(store),
    deleteForUser: store.deleteForUser.bind(store),
    listForUser: store.listForUser.bind(store),
    deleteByHandle: store.deleteByHandle.bind(store),
    purgeExpired: store.purgeExpired.bind(store),
    count: store.count.bind(store),
  }
}
