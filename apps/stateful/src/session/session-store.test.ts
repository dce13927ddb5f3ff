import { createHash } from 'node:crypto'
import type { User } from '@auth-lab/shared'
import { Metrics, migrate, openDatabase, userMigrations } from '@auth-lab/shared'
import { describe, expect, it } from 'vitest'
import { MemorySessionStore } from './memory-session-store.js'
import { sessionMigrations } from './schema.js'
import type { SessionRecord, SessionStore } from './session-store.js'
import { hashSessionId, newSessionId } from './sessions.js'
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
      return r
        ? {
            ...r,
            role: 'user',
            tokenVersion: 0,
            credentialEpoch: 0,
            disabled: false,
            createdAt: 0,
            updatedAt: 0,
          }
        : null
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
    credentialEpoch: 0,
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
