import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { PASSWORDS, testApp } from '../test-app.js'
import { RequestStore } from './hono-sessions-shim.js'
import type { SessionStore } from './session-store.js'
import { hashSessionId } from './sessions.js'

const MIN = 60_000

describe('timeouts, enforced on the server with an injected clock', () => {
  it('idle: a session unused for SESSION_IDLE_TTL is over; the row is deleted on sight', async () => {
    const t = await testApp({ env: { SESSION_IDLE_TTL: '600' } })
    const c = t.client()
    await c.login('alice', PASSWORDS.alice)
    t.clock.advance(600_000 - 1)
    expect((await c.request('/me')).status).toBe(200) // touched: a fresh 10 minutes from now
    t.clock.advance(600_000)
    expect((await c.request('/me')).status).toBe(401)
    expect(t.rows()).toBe(0)
  })

  it('sliding: activity every few minutes keeps the session alive past the idle window', async () => {
    const t = await testApp({ env: { SESSION_IDLE_TTL: '600' } })
    const c = t.client()
    await c.login('alice', PASSWORDS.alice)
    for (let i = 0; i < 12; i++) {
      t.clock.advance(4 * MIN)
      expect((await c.request('/me')).status).toBe(200)
    }
  })

  it('a short idle window (3 s) still slides: the touch interval is capped at idle / 2', async () => {
    const t = await testApp({ env: { SESSION_IDLE_TTL: '3', SESSION_ABSOLUTE_TTL: '8' } })
    const c = t.client()
    await c.login('alice', PASSWORDS.alice)
    const seen: number[] = []
    for (let s = 2; s <= 12; s += 2) {
      t.clock.advance(2000)
      seen.push((await c.request('/me')).status)
    }
    // Alive through 6 s (sliding), dead from 8 s on (absolute), whatever the activity.
    expect(seen).toEqual([200, 200, 200, 401, 401, 401])
  })

  it('absolute: a session ends SESSION_ABSOLUTE_TTL after login despite constant activity', async () => {
    const t = await testApp({ env: { SESSION_IDLE_TTL: '1800', SESSION_ABSOLUTE_TTL: '3600' } })
    const c = t.client()
    await c.login('alice', PASSWORDS.alice)
    for (let i = 0; i < 5; i++) {
      t.clock.advance(10 * MIN)
      expect((await c.request('/me')).status).toBe(200)
    }
    t.clock.advance(10 * MIN) // 60 min after login
    expect((await c.request('/me')).status).toBe(401)
    expect(t.rows()).toBe(0)
  })

  it('/me reports the earlier of the idle and the absolute expiry', async () => {
    const t = await testApp({ env: { SESSION_IDLE_TTL: '1800', SESSION_ABSOLUTE_TTL: '2000' } })
    const c = t.client()
    const login = t.clock()
    await c.login('alice', PASSWORDS.alice)
    t.clock.advance(10 * MIN)
    const body = (await (await c.request('/me')).json()) as { auth: { expires_at: string } }
    expect(body.auth.expires_at).toBe(new Date(login + 2000_000).toISOString())
  })

  it('purge deletes rows past either expiry and keeps live ones', async () => {
    const t = await testApp({ env: { SESSION_IDLE_TTL: '600' } })
    await t.client().login('alice', PASSWORDS.alice)
    t.clock.advance(5 * MIN)
    await t.client().login('bob', PASSWORDS.bob)
    t.clock.advance(6 * MIN)
    expect(await t.deps.sessions.purge()).toBe(1)
    expect(t.rows()).toBe(1)
  })
})

describe('store cost of a request, from the store counters', () => {
  for (const store of ['sqlite', 'memory'] as const) {
    it(`${store}: a read-only GET /me makes one session read and zero writes; a touch at most once a minute`, async () => {
      const t = await testApp({ env: { SESSION_STORE: store } })
      const c = t.client()
      await c.login('alice', PASSWORDS.alice)
      const counters = t.deps.metrics.store
      const snap = () => ({
        sessionReads: counters.get('read', 'sessions'),
        userReads: counters.get('read', 'users'),
        writes: counters.get('write'),
        sessionWrites: counters.get('write', 'sessions'),
      })
      t.clock.advance(1000)
      const before = snap()
      for (let i = 0; i < 10; i++) {
        expect((await c.request('/me')).status).toBe(200)
        t.clock.advance(5000)
      }
      const after = snap()
      expect(after.sessionReads - before.sessionReads).toBe(10)
      // SQLite reads the session JOIN its user in one statement; the memory store asks the user store.
      expect(after.userReads - before.userReads).toBe(store === 'sqlite' ? 0 : 10)
      expect(after.writes - before.writes).toBe(0)

      t.clock.advance(MIN) // past the touch interval: exactly one write, then quiet again
      await c.request('/me')
      await c.request('/me')
      expect(counters.get('write') - after.writes).toBe(1)
      expect(counters.get('write', 'sessions') - after.sessionWrites).toBe(1)
    })
  }

  it('1000 cookie-less requests to every route create no session row and no session write', async () => {
    const t = await testApp()
    const writes = t.deps.metrics.store.get('write', 'sessions')
    const paths: [string, string][] = [
      ['GET', '/me'],
      ['GET', '/public'],
      ['GET', '/'],
      ['POST', '/auth/logout'],
      ['GET', '/auth/sessions'],
    ]
    for (let i = 0; i < 1000; i++) {
      const [method, path] = paths[i % paths.length]!
      const res = await t.app.request(path, { method })
      expect(res.headers.getSetCookie().filter((s) => !s.startsWith('sid=;'))).toEqual([])
    }
    // Failed logins too: no row.
    for (let i = 0; i < 3; i++) await t.client().login(`ghost${i}`, 'wrong-password')
    expect(t.rows()).toBe(0)
    expect(t.deps.metrics.store.get('write', 'sessions')).toBe(writes)
    expect(t.deps.metrics.store.get('read', 'sessions')).toBe(0)
  })

  it('a session cookie on a failed login stays as it was (no rotation, no write)', async () => {
    const t = await testApp()
    const c = t.client()
    await c.login('alice', PASSWORDS.alice)
    const id = c.cookie
    const writes = t.deps.metrics.store.get('write')
    const res = await c.login('alice', 'wrong-password')
    expect(res.status).toBe(401)
    expect(res.headers.getSetCookie()).toEqual([])
    expect(c.cookie).toBe(id)
    expect(t.deps.metrics.store.get('write')).toBe(writes)
    expect((await c.request('/me')).status).toBe(200)
  })
})

/** Wraps a store so chosen methods throw, like SQLite under SQLITE_BUSY or a broken disk. */
function failing(methods: (keyof SessionStore)[], error: () => Error) {
  return (inner: SessionStore): SessionStore & { armed: boolean } => {
    const wrapper = { armed: false } as SessionStore & { armed: boolean }
    for (const m of [
      'find',
      'insert',
      'updateData',
      'touch',
      'delete',
      'deleteForUser',
      'listForUser',
      'deleteByHandle',
      'purgeExpired',
      'count',
    ] as const) {
      ;(wrapper as unknown as Record<string, unknown>)[m] = (...args: unknown[]) => {
        if (wrapper.armed && methods.includes(m)) throw error()
        return (inner[m] as (...a: unknown[]) => unknown).apply(inner, args)
      }
    }
    Object.defineProperty(wrapper, 'kind', { value: inner.kind })
    return wrapper
  }
}

function sqliteBusy(): Error {
  return Object.assign(new Error('database is locked'), { code: 'SQLITE_BUSY' })
}

describe('store failure is 503 service_unavailable, never an anonymous session', () => {
  it('a failing read (swallowed by hono-sessions) answers 503, with no cookie and no leaked detail', async () => {
    let store!: SessionStore & { armed: boolean }
    const t = await testApp({ wrapStore: (s) => (store = failing(['find'], sqliteBusy)(s)) })
    const c = t.client()
    await c.login('alice', PASSWORDS.alice)
    const id = c.cookie
    store.armed = true
    const res = await c.request('/me')
    expect(res.status).toBe(503)
    expect(res.headers.get('retry-after')).toBe('1')
    expect(res.headers.getSetCookie()).toEqual([])
    const text = await res.text()
    expect(JSON.parse(text).error).toBe('service_unavailable')
    expect(text).not.toMatch(/SQLITE|locked/i)
    expect(c.cookie).toBe(id)
    for (const [method, path] of [
      ['POST', '/auth/logout'],
      ['GET', '/auth/sessions'],
      ['POST', '/auth/logout-all'],
    ]) {
      expect((await c.request(path!, { method })).status).toBe(503)
    }
    store.armed = false
    expect((await c.request('/me')).status).toBe(200)
  })

  it('a failing insert at login answers 503 without a cookie', async () => {
    let store!: SessionStore & { armed: boolean }
    const t = await testApp({ wrapStore: (s) => (store = failing(['insert'], sqliteBusy)(s)) })
    store.armed = true
    const c = t.client()
    const res = await c.login('alice', PASSWORDS.alice)
    expect(res.status).toBe(503)
    expect(res.headers.getSetCookie()).toEqual([])
    expect(((await res.json()) as { error: string }).error).toBe('service_unavailable')
    expect(t.rows()).toBe(0)
  })

  it('a failing delete at logout answers 503 (the session is not silently kept as "logged out")', async () => {
    let store!: SessionStore & { armed: boolean }
    const t = await testApp({ wrapStore: (s) => (store = failing(['delete'], sqliteBusy)(s)) })
    const c = t.client()
    await c.login('alice', PASSWORDS.alice)
    store.armed = true
    const res = await c.request('/auth/logout', { method: 'POST' })
    expect(res.status).toBe(503)
    expect(res.headers.getSetCookie()).toEqual([])
  })

  it('a non-SQLite failure (memory store) is a 503 too, and is reported', async () => {
    let store!: SessionStore & { armed: boolean }
    const t = await testApp({
      env: { SESSION_STORE: 'memory' },
      wrapStore: (s) => (store = failing(['find'], () => new Error('boom'))(s)),
    })
    const c = t.client()
    await c.login('alice', PASSWORDS.alice)
    store.armed = true
    const res = await c.request('/me')
    expect(res.status).toBe(503)
    expect(t.errors).toHaveLength(1)
  })
})

describe('restart semantics (two app instances in turn on one database file)', () => {
  it.each([
    ['sqlite', 200],
    ['memory', 401],
  ] as const)('%s store: a session cookie after a restart answers %i', async (store, expected) => {
    const dir = mkdtempSync(join(tmpdir(), 'auth-lab-stateful-restart-'))
    try {
      const env = { SESSION_STORE: store, DB_PATH: join(dir, 'auth-lab.db') }
      const first = await testApp({ env })
      const c = first.client()
      await c.login('alice', PASSWORDS.alice)
      first.deps.close()
      const second = await testApp({ env, reuseUsers: true })
      const res = await second.app.request('/me', { headers: { cookie: `sid=${c.cookie}` } })
      expect(res.status).toBe(expected)
      second.deps.close()
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})

describe('RequestStore (the per-request hono-sessions Store over the core)', () => {
  const client = () => ({ userAgent: 'ua', ip: '1.2.3.4' })
  const empty = () => ({ _data: {}, _expire: null, _delete: false, _accessed: null })

  it('never stores an anonymous session and ignores later calls for its placeholder ID', async () => {
    const t = await testApp()
    const writes = t.deps.metrics.store.get('write', 'sessions')
    const hs = new RequestStore(t.deps.sessions, undefined, null, client)
    const placeholder = crypto.randomUUID()
    await hs.createSession(placeholder, empty())
    await hs.persistSessionData(placeholder, empty())
    await hs.deleteSession(placeholder)
    expect(await hs.getSessionById(placeholder)).toBeNull()
    expect(hs.issued).toBeNull()
    expect(t.deps.metrics.store.get('write', 'sessions')).toBe(writes)
    expect(t.rows()).toBe(0)
  })

  it('stores a logged-in session under a fresh 256-bit ID, not the UUID hono-sessions minted', async () => {
    const t = await testApp()
    const hs = new RequestStore(t.deps.sessions, undefined, null, client)
    const uuid = crypto.randomUUID()
    await hs.createSession(uuid, {
      ...empty(),
      _data: { uid: { value: t.ids.alice, flash: false }, ep: { value: 0, flash: false } },
    })
    expect(hs.issued).toMatch(/^[A-Za-z0-9_-]{43}$/)
    const found = await t.deps.sessions.validate(hs.issued!)
    expect(found?.session).toMatchObject({
      idHash: hashSessionId(hs.issued!),
      userId: t.ids.alice,
      createdAt: t.clock(),
      expiresAt: t.clock() + 1800_000,
      absoluteExpiresAt: t.clock() + 43_200_000,
      userAgent: 'ua',
      ip: '1.2.3.4',
      data: { uid: { value: t.ids.alice, flash: false } },
    })
    expect(await t.deps.sessions.validate(uuid)).toBeNull()
    expect(t.rows()).toBe(1)
  })

  it('logout resurrection: a request that loaded the session before a logout cannot write it back', async () => {
    const t = await testApp()
    const login = new RequestStore(t.deps.sessions, undefined, null, client)
    await login.createSession(crypto.randomUUID(), {
      ...empty(),
      _data: { uid: { value: t.ids.alice, flash: false }, ep: { value: 0, flash: false } },
    })
    const id = login.issued!
    const slow = new RequestStore(t.deps.sessions, id, await t.deps.sessions.validate(id), client) // request A
    const data = (await slow.getSessionById(id))!
    const logout = new RequestStore(t.deps.sessions, id, await t.deps.sessions.validate(id), client) // request B
    await logout.deleteSession(id)
    data._data.extra = { value: 1, flash: false }
    await slow.persistSessionData(id, data) // A finishes and persists
    expect(t.rows()).toBe(0)
    expect(await t.deps.sessions.validate(id)).toBeNull()
  })
})
