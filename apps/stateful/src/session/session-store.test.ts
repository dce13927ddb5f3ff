import { createHash } from 'node:crypto'
import type { User } from '@auth-lab/shared'
import { Metrics, manualClock, migrate, openDatabase, userMigrations } from '@auth-lab/shared'
import { describe, expect, it } from 'vitest'
import { HonoSessionsStore } from './hono-sessions-store.js'
import { MemorySessionStore } from './memory-session-store.js'
import { sessionPolicy } from './policy.js'
import { sessionMigrations } from './schema.js'
import type { SessionRecord, SessionStore } from './session-store.js'
import { hashSessionId, isWellFormedSessionId, newSessionId } from './session-store.js'
import { SqliteSessionStore } from './sqlite-session-store.js'

const T0 = Date.UTC(2026, 0, 1)

function setup(kind: 'sqlite' | 'memory') {
  const db = openDatabase(':memory:')
  migrate(db, 'users', userMigrations)
  migrate(db, 'stateful', sessionMigrations)
  const insertUser = db.prepare(
    "INSERT INTO users (username, password_hash, role, created_at, updated_at) VALUES (?, 'x', 'user', 0, 0)",
  )
  const alice = Number(insertUser.run('alice').lastInsertRowid)
  const bob = Number(insertUser.run('bob').lastInsertRowid)
  const metrics = new Metrics('test')
  const users = {
    findById(id: number): User | null {
      metrics.store.read('users')
      const r = db.prepare('SELECT id, username FROM users WHERE id = ?').get(id) as
        | { id: number; username: string }
        | undefined
      return r ? { ...r, role: 'user', tokenVersion: 0, disabled: false, createdAt: 0, updatedAt: 0 } : null
    },
  }
  const store: SessionStore =
    kind === 'sqlite'
      ? new SqliteSessionStore(db, metrics.store)
      : new MemorySessionStore(users, metrics.store)
  return { db, store, metrics, alice, bob }
}

let n = 0
function record(userId: number, over: Partial<SessionRecord> = {}): SessionRecord & { id: string } {
  const id = newSessionId()
  return {
    id,
    idHash: hashSessionId(id),
    handle: `handle-${++n}`,
    userId,
    data: { uid: { value: userId, flash: false } },
    createdAt: T0,
    lastSeenAt: T0,
    expiresAt: T0 + 1800_000,
    absoluteExpiresAt: T0 + 43_200_000,
    userAgent: 'ua',
    ip: '127.0.0.1',
    ...over,
  }
}

function strip(r: SessionRecord & { id?: string }): SessionRecord {
  const { id: _id, ...rest } = r
  return rest
}

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

describe.each(['sqlite', 'memory'] as const)('%s session store', (kind) => {
  it('finds a session with its user by the hash; the raw ID is stored nowhere', () => {
    const { db, store, alice } = setup(kind)
    const r = record(alice)
    store.insert(strip(r))
    const found = store.find(r.idHash)
    expect(found?.session).toEqual(strip(r))
    expect(found?.user?.username).toBe('alice')
    expect(store.find(hashSessionId(newSessionId()))).toBeNull()
    if (kind === 'sqlite') {
      const row = db.prepare('SELECT * FROM sessions').get() as Record<string, unknown>
      expect(row.id_hash).toBe(createHash('sha256').update(r.id).digest('hex'))
      expect(JSON.stringify(row)).not.toContain(r.id)
    }
  })

  it('persists by UPDATE only: after a delete, updateData and touch never resurrect the row', () => {
    const { store, alice } = setup(kind)
    const r = record(alice)
    store.insert(strip(r))
    expect(store.updateData(r.idHash, { uid: { value: alice, flash: false }, note: 1 })).toBe(true)
    expect(store.find(r.idHash)?.session.data).toEqual({ uid: { value: alice, flash: false }, note: 1 })
    expect(store.touch(r.idHash, T0 + 5, T0 + 99)).toBe(true)
    expect(store.find(r.idHash)?.session.expiresAt).toBe(T0 + 99)
    expect(store.delete(r.idHash)).toBe(true)
    expect(store.updateData(r.idHash, { uid: { value: alice, flash: false } })).toBe(false)
    expect(store.touch(r.idHash, T0 + 6, T0 + 100)).toBe(false)
    expect(store.find(r.idHash)).toBeNull()
    expect(store.count()).toBe(0)
  })

  it('returns copies: mutating a found record does not change the stored one', () => {
    const { store, alice } = setup(kind)
    const r = record(alice)
    store.insert(strip(r))
    const found = store.find(r.idHash)!
    found.session.expiresAt = 0
    ;(found.session.data as Record<string, unknown>).x = 1
    expect(store.find(r.idHash)?.session).toEqual(strip(r))
  })

  it('lists, deletes by user (with an exception) and by handle, only for the owner', () => {
    const { store, alice, bob } = setup(kind)
    const a1 = record(alice, { createdAt: T0 })
    const a2 = record(alice, { createdAt: T0 + 1 })
    const a3 = record(alice, { createdAt: T0 + 2, expiresAt: T0 + 10 })
    const b1 = record(bob)
    for (const r of [a1, a2, a3, b1]) store.insert(strip(r))
    expect(store.listForUser(alice, T0 + 100).map((s) => s.handle)).toEqual([a2.handle, a1.handle])
    expect(store.deleteByHandle(alice, b1.handle)).toBe(false)
    expect(store.deleteByHandle(bob, b1.handle)).toBe(true)
    expect(store.deleteForUser(alice, a1.idHash)).toBe(2)
    expect(store.count()).toBe(1)
    expect(store.deleteForUser(alice)).toBe(1)
    expect(store.count()).toBe(0)
  })

  it('purges rows past their idle or absolute expiry', () => {
    const { store, alice } = setup(kind)
    store.insert(strip(record(alice, { expiresAt: T0 + 10 })))
    store.insert(strip(record(alice, { absoluteExpiresAt: T0 + 10 })))
    const live = record(alice)
    store.insert(strip(live))
    expect(store.purgeExpired(T0 + 10)).toBe(2)
    expect(store.count()).toBe(1)
    expect(store.find(live.idHash)).not.toBeNull()
  })

  it('counts every operation in metrics.store under table "sessions"', () => {
    const { store, metrics, alice } = setup(kind)
    const r = record(alice)
    store.insert(strip(r))
    store.find(r.idHash)
    store.touch(r.idHash, T0, T0 + 1)
    store.delete(r.idHash)
    expect(metrics.store.get('read', 'sessions')).toBe(1)
    expect(metrics.store.get('write', 'sessions')).toBe(3)
    expect(metrics.store.get('read', 'users')).toBe(kind === 'sqlite' ? 0 : 1)
  })
})

describe('HonoSessionsStore (the per-request hono-sessions Store)', () => {
  const policy = sessionPolicy({
    clock: manualClock(T0),
    idleTtlSeconds: 1800,
    absoluteTtlSeconds: 43_200,
    touchIntervalSeconds: 60,
  })
  const client = () => ({ userAgent: 'ua', ip: '1.2.3.4' })

  it('never stores an anonymous session and ignores later calls for its placeholder ID', () => {
    const { store, metrics } = setup('sqlite')
    const hs = new HonoSessionsStore(store, policy, client)
    const empty = { _data: {}, _expire: null, _delete: false, _accessed: null }
    const placeholder = crypto.randomUUID()
    hs.createSession(placeholder, empty)
    hs.persistSessionData(placeholder, empty)
    hs.deleteSession(placeholder)
    expect(hs.issued).toBeNull()
    expect(metrics.store.get('write', 'sessions')).toBe(0)
    expect(store.count()).toBe(0)
  })

  it('stores a logged-in session under a fresh 256-bit ID, not the UUID hono-sessions minted', () => {
    const { store, alice } = setup('sqlite')
    const hs = new HonoSessionsStore(store, policy, client)
    const uuid = crypto.randomUUID()
    hs.createSession(uuid, {
      _data: { uid: { value: alice, flash: false } },
      _expire: null,
      _delete: false,
      _accessed: null,
    })
    expect(hs.issued).toMatch(/^[A-Za-z0-9_-]{43}$/)
    expect(store.find(hashSessionId(hs.issued!))?.session).toMatchObject({
      userId: alice,
      createdAt: T0,
      expiresAt: T0 + 1800_000,
      absoluteExpiresAt: T0 + 43_200_000,
      userAgent: 'ua',
      ip: '1.2.3.4',
    })
    expect(store.find(hashSessionId(uuid))).toBeNull()
  })

  it('logout resurrection: a request that loaded the session before a logout cannot write it back', () => {
    const { store, alice } = setup('sqlite')
    const login = new HonoSessionsStore(store, policy, client)
    login.createSession(crypto.randomUUID(), {
      _data: { uid: { value: alice, flash: false } },
      _expire: null,
      _delete: false,
      _accessed: null,
    })
    const id = login.issued!
    const slow = new HonoSessionsStore(store, policy, client) // request A, in flight
    const data = slow.getSessionById(id)!
    const logout = new HonoSessionsStore(store, policy, client) // request B logs out
    logout.getSessionById(id)
    logout.deleteSession(id)
    data._data.extra = { value: 1, flash: false }
    slow.persistSessionData(id, data) // A finishes and persists
    expect(store.count()).toBe(0)
    expect(new HonoSessionsStore(store, policy, client).getSessionById(id)).toBeNull()
  })

  it('records a store failure that hono-sessions would swallow', () => {
    const { store } = setup('sqlite')
    const broken: SessionStore = {
      ...store,
      kind: 'sqlite',
      find: () => {
        throw Object.assign(new Error('disk I/O error'), { code: 'SQLITE_IOERR' })
      },
    }
    const hs = new HonoSessionsStore(broken, policy, client)
    expect(() => hs.getSessionById(newSessionId())).toThrow()
    expect((hs.failure as { code: string }).code).toBe('SQLITE_IOERR')
  })

  it('spends no store read on a cookie value it could not have issued', () => {
    const { store, metrics } = setup('sqlite')
    const hs = new HonoSessionsStore(store, policy, client)
    for (const v of ['', 'short', "' OR 1=1--", 'x'.repeat(4096), crypto.randomUUID()]) {
      expect(hs.getSessionById(v)).toBeNull()
    }
    expect(metrics.store.get('read', 'sessions')).toBe(0)
  })
})
