import { createHash } from 'node:crypto'
import type { RedisHandle, User } from '@auth-lab/shared'
import { Metrics, migrate, openDatabase, openRedis, userMigrations } from '@auth-lab/shared'
import type { RedisTestServer } from '@auth-lab/shared/redis-test-server'
import { startRedisServer } from '@auth-lab/shared/redis-test-server'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { MemorySessionStore } from './memory-session-store.js'
import { RedisSessionStore } from './redis-session-store.js'
import { sessionMigrations } from './schema.js'
import type { SessionRecord, SessionStore } from './session-store.js'
import { hashSessionId, newSessionId } from './sessions.js'
import { SqliteSessionStore } from './sqlite-session-store.js'

const T0 = Date.UTC(2026, 0, 1)

// One redis-server for the file; every setup() gets its own key prefix.
let server: RedisTestServer
const handles: RedisHandle[] = []
beforeAll(async () => {
  server = await startRedisServer()
})
afterAll(async () => {
  for (const h of handles) await h.close()
  await server?.stop()
})
let prefixes = 0

async function setup(kind: 'sqlite' | 'memory' | 'redis', redisNow = T0) {
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
  let redis: RedisHandle | undefined
  if (kind === 'redis') {
    redis = await openRedis({ url: server.url, prefix: `store-${++prefixes}:`, clientCache: false })
    handles.push(redis)
  }
  const store: SessionStore =
    kind === 'sqlite'
      ? new SqliteSessionStore(db, metrics.store)
      : kind === 'memory'
        ? new MemorySessionStore(users, metrics.store)
        : new RedisSessionStore(redis!, users, metrics.store, () => redisNow)
  return { db, store, metrics, alice, bob, redis }
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

describe.each(['sqlite', 'memory', 'redis'] as const)('%s session store', (kind) => {
  it('finds a session with its user by the hash; the raw ID is stored nowhere', async () => {
    const { db, store, alice } = await setup(kind)
    const r = record(alice)
    await store.insert(strip(r))
    const found = await store.find(r.idHash)
    expect(found?.session).toEqual(strip(r))
    expect(found?.user?.username).toBe('alice')
    expect(await store.find(hashSessionId(newSessionId()))).toBeNull()
    if (kind === 'sqlite') {
      const row = db.prepare('SELECT * FROM sessions').get() as Record<string, unknown>
      expect(row.id_hash).toBe(createHash('sha256').update(r.id).digest('hex'))
      expect(JSON.stringify(row)).not.toContain(r.id)
    }
  })

  it('persists by UPDATE only: after a delete, updateData and touch never resurrect the row', async () => {
    const { store, alice } = await setup(kind)
    const r = record(alice)
    await store.insert(strip(r))
    expect(await store.updateData(r.idHash, { uid: { value: alice, flash: false }, note: 1 })).toBe(true)
    expect((await store.find(r.idHash))?.session.data).toEqual({
      uid: { value: alice, flash: false },
      note: 1,
    })
    expect(await store.touch(r.idHash, T0 + 5, T0 + 99)).toBe(true)
    expect((await store.find(r.idHash))?.session.expiresAt).toBe(T0 + 99)
    expect(await store.delete(r.idHash)).toBe(true)
    expect(await store.updateData(r.idHash, { uid: { value: alice, flash: false } })).toBe(false)
    expect(await store.touch(r.idHash, T0 + 6, T0 + 100)).toBe(false)
    expect(await store.find(r.idHash)).toBeNull()
    expect(await store.count()).toBe(0)
  })

  it('returns copies: mutating a found record does not change the stored one', async () => {
    const { store, alice } = await setup(kind)
    const r = record(alice)
    await store.insert(strip(r))
    const found = (await store.find(r.idHash))!
    found.session.expiresAt = 0
    ;(found.session.data as Record<string, unknown>).x = 1
    expect((await store.find(r.idHash))?.session).toEqual(strip(r))
  })

  it('lists, deletes by user (with an exception) and by handle, only for the owner', async () => {
    // Redis: TTLs counted from a minute earlier, so a3 (expired for the list at T0 + 100) is still a key to delete.
    const { store, alice, bob } = await setup(kind, T0 - 60_000)
    const a1 = record(alice, { createdAt: T0 })
    const a2 = record(alice, { createdAt: T0 + 1 })
    const a3 = record(alice, { createdAt: T0 + 2, expiresAt: T0 + 10 })
    const b1 = record(bob)
    for (const r of [a1, a2, a3, b1]) await store.insert(strip(r))
    expect((await store.listForUser(alice, T0 + 100)).map((s) => s.handle)).toEqual([a2.handle, a1.handle])
    expect(await store.deleteByHandle(alice, b1.handle)).toBe(false)
    expect(await store.deleteByHandle(bob, b1.handle)).toBe(true)
    expect(await store.deleteForUser(alice, a1.idHash)).toBe(2)
    expect(await store.count()).toBe(1)
    expect(await store.deleteForUser(alice)).toBe(1)
    expect(await store.count()).toBe(0)
  })

  it('purges rows past their idle or absolute expiry', async () => {
    const { store, alice, redis } = await setup(kind)
    await store.insert(strip(record(alice, { expiresAt: T0 + 10 })))
    await store.insert(strip(record(alice, { absoluteExpiresAt: T0 + 10 })))
    const live = record(alice)
    await store.insert(strip(live))
    if (redis) {
      // Redis expires them itself (TTL = min(idle, absolute) remaining): nothing to purge, every key has a TTL.
      expect(await store.purgeExpired(T0 + 10)).toBe(0)
      const keys = await redis.client.keys(redis.key('s:*'))
      const ttls = await Promise.all(keys.map((k) => redis.client.pTTL(k)))
      expect(ttls.every((t) => t > 0 && (t <= 10 || t > 1_790_000))).toBe(true) // the two 10 ms ones may be gone
      expect(ttls.filter((t) => t > 1_790_000 && t <= 1_800_000)).toHaveLength(1)
      return
    }
    expect(await store.purgeExpired(T0 + 10)).toBe(2)
    expect(await store.count()).toBe(1)
    expect(await store.find(live.idHash)).not.toBeNull()
  })

  it('counts every operation in metrics.store under table "sessions"', async () => {
    const { store, metrics, alice } = await setup(kind)
    const r = record(alice)
    await store.insert(strip(r))
    await store.find(r.idHash)
    await store.touch(r.idHash, T0, T0 + 1)
    await store.delete(r.idHash)
    expect(metrics.store.get('read', 'sessions')).toBe(1)
    expect(metrics.store.get('write', 'sessions')).toBe(3)
    expect(metrics.store.get('read', 'users')).toBe(kind === 'sqlite' ? 0 : 1)
  })
})

describe('sqlite session store: the purge of a backlog (session 11)', () => {
  it('deletes a backlog larger than one batch by both expiries, through their indexes, and keeps live rows', async () => {
    const { db, store, alice } = await setup('sqlite')
    const live: string[] = []
    for (let i = 0; i < 1300; i++) {
      const r =
        i % 13 === 0
          ? record(alice)
          : i % 2 === 0
            ? record(alice, { expiresAt: T0 + 10 })
            : record(alice, { absoluteExpiresAt: T0 + 10 })
      if (i % 13 === 0) live.push(r.idHash)
      await store.insert(strip(r))
    }
    const plan = (sql: string) =>
      (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(T0, 500) as { detail: string }[])
        .map((p) => p.detail)
        .join('\n')
    expect(plan('SELECT id_hash FROM sessions WHERE expires_at <= ? LIMIT ?')).toMatch(
      /INDEX sessions_expires/,
    )
    expect(plan('SELECT id_hash FROM sessions WHERE absolute_expires_at <= ? LIMIT ?')).toMatch(
      /INDEX sessions_absolute_expires/,
    )
    let turns = 0
    const ticker = setInterval(() => turns++, 0)
    expect(await store.purgeExpired(T0 + 10)).toBe(1200)
    clearInterval(ticker)
    expect(await store.count()).toBe(100)
    for (const h of live) expect(await store.find(h)).not.toBeNull()
    expect(turns).toBeGreaterThan(0) // the event loop ran other work between the batches
  })

  it('stops between batches when the signal is aborted', async () => {
    const { store, alice } = await setup('sqlite')
    for (let i = 0; i < 1200; i++) await store.insert(strip(record(alice, { expiresAt: T0 + 10 })))
    const stop = new AbortController()
    const purging = store.purgeExpired(T0 + 10, stop.signal)
    stop.abort()
    expect(await purging).toBe(500) // the first batch had run; the next never started
    expect(await store.count()).toBe(700)
  })
})

describe('memory session store: the purge of a backlog (session 11)', () => {
  it('yields to the event loop every 500 rows, deletes every expired row and keeps the live ones', async () => {
    const { store, alice, bob } = await setup('memory')
    const live = record(bob)
    for (let i = 0; i < 1500; i++) await store.insert(strip(record(alice, { expiresAt: T0 + 10 })))
    await store.insert(strip(live))
    let turns = 0
    const tick = () => {
      turns++
      if (turns < 1000) setImmediate(tick)
    }
    setImmediate(tick)
    expect(await store.purgeExpired(T0 + 10)).toBe(1500)
    expect(turns).toBeGreaterThanOrEqual(2)
    expect(await store.count()).toBe(1)
    expect(await store.listForUser(bob, T0)).toHaveLength(1)
    expect(await store.listForUser(alice, T0)).toEqual([])
  })
})

describe('memory session store: the per-user index stays in step with the rows', () => {
  it('lists and deletes only live rows after every kind of removal, and re-indexes a user after their last row', async () => {
    const { store, alice, bob } = await setup('memory')
    const [a1, a2, a3, a4] = [0, 1, 2, 3].map((i) => record(alice, { createdAt: T0 + i }))
    const stale = record(alice, { createdAt: T0 + 4, expiresAt: T0 + 10 })
    const others = Array.from({ length: 50 }, () => record(bob))
    for (const r of [a1!, a2!, a3!, a4!, stale, ...others]) await store.insert(strip(r))
    expect(await store.delete(a1!.idHash)).toBe(true)
    expect(await store.deleteByHandle(alice, a2!.handle)).toBe(true)
    expect(await store.purgeExpired(T0 + 10)).toBe(1)
    expect((await store.listForUser(alice, T0)).map((x) => x.handle)).toEqual([a4!.handle, a3!.handle])
    expect(await store.deleteByHandle(alice, a2!.handle)).toBe(false)
    expect(await store.deleteForUser(alice)).toBe(2)
    expect(await store.listForUser(alice, T0)).toEqual([])
    expect(await store.count()).toBe(50)
    const again = record(alice)
    await store.insert(strip(again))
    expect((await store.listForUser(alice, T0)).map((x) => x.handle)).toEqual([again.handle])
    expect(await store.listForUser(bob, T0)).toHaveLength(50)
  })
})

describe('redis session store: keys and round trips', () => {
  it('every key it writes has a TTL = min(idle, absolute) remaining; the index lives until the last absolute expiry', async () => {
    const { store, alice, redis } = await setup('redis')
    const r = record(alice, { expiresAt: T0 + 60_000, absoluteExpiresAt: T0 + 120_000 })
    await store.insert(strip(r))
    await store.touch(r.idHash, T0 + 1, T0 + 500_000) // idle beyond absolute: the TTL stops at absolute
    const keys = await redis!.client.keys(redis!.key('*'))
    expect(keys.sort()).toEqual([redis!.key(`s:${r.idHash}`), redis!.key(`{u:${alice}}:sessions`)].sort())
    const session = await redis!.client.pTTL(redis!.key(`s:${r.idHash}`))
    expect(session).toBeGreaterThan(119_000)
    expect(session).toBeLessThanOrEqual(120_000)
    expect(await redis!.client.pTTL(redis!.key(`{u:${alice}}:sessions`))).toBeGreaterThan(119_000)
    expect(JSON.stringify(await redis!.client.hGetAll(redis!.key(`s:${r.idHash}`)))).not.toContain(r.id)
  })

  it('find is ONE command; a store failure throws (never "not found")', async () => {
    const { store, alice, redis } = await setup('redis')
    const r = record(alice)
    await store.insert(strip(r))
    const before = Number(
      (await redis!.client.info('commandstats')).match(/cmdstat_hgetall:calls=(\d+)/)?.[1] ?? 0,
    )
    const stats = async () => (await redis!.client.info('stats')).match(/total_commands_processed:(\d+)/)?.[1]
    const c0 = Number(await stats())
    await store.find(r.idHash)
    const c1 = Number(await stats())
    expect(c1 - c0 - 1).toBe(1) // minus the INFO that measured c0
    const after = Number((await redis!.client.info('commandstats')).match(/cmdstat_hgetall:calls=(\d+)/)?.[1])
    expect(after - before).toBe(1)
    await redis!.close()
    await expect(store.find(r.idHash)).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' })
  })
})
