import { createHash } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { CacheCounters, ConfigError, cacheCounters, manualClock } from '@auth-lab/shared'
import { afterEach, describe, expect, it } from 'vitest'
import { readConfig } from '../config.js'
import type { Client, TestApp } from '../test-app.js'
import { PASSWORDS, testApp } from '../test-app.js'
import { COOKIE_CACHE_NAME, CookieCache } from './cookie-cache.js'
import { cookieCacheKeyPath, openCookieCacheKey } from './cookie-cache-key.js'

/**
 * The session cookie cache (SESSION_COOKIE_CACHE): a valid snapshot answers GET /me with zero store reads, and —
 * the measured price — a revoked session keeps answering until its snapshot expires (better-auth #6893). On a
 * manual clock: accepted until exactly the TTL, refused from then on. Forged, altered, moved and expired snapshots
 * are never trusted.
 */
const TTL = 60
let t: TestApp
afterEach(() => {
  t?.deps.close()
})

const reads = () => t.deps.metrics.store.get('read')
const hits = () => cacheCounters(t.deps.metrics, COOKIE_CACHE_NAME).hits

async function loggedIn(name: 'alice' | 'bob' = 'alice'): Promise<Client> {
  const c = t.client()
  expect((await c.login(name, PASSWORDS[name])).status).toBe(200)
  return c
}

/** GET /me and how many store reads it made. */
async function me(c: Client): Promise<{ status: number; reads: number; body: Record<string, unknown> }> {
  const before = reads()
  const res = await c.request('/me')
  return { status: res.status, reads: reads() - before, body: (await res.json()) as Record<string, unknown> }
}

/** A copy of a browser's cookies (what a thief or a second tab holds). */
function copyOf(c: Client): Client {
  const copy = t.client()
  copy.cookie = c.cookie
  copy.snapshot = c.snapshot
  return copy
}

describe('SESSION_COOKIE_CACHE off (the default)', () => {
  it('sets no snapshot cookie and every /me reads the store', async () => {
    t = await testApp()
    expect(t.deps.cookieCache).toBeUndefined()
    const a = await loggedIn()
    for (let i = 0; i < 3; i++) expect(await me(a)).toMatchObject({ status: 200, reads: 1 })
    expect(a.snapshot).toBeUndefined()
  })
})

describe('SESSION_COOKIE_CACHE on', () => {
  const env = { SESSION_COOKIE_CACHE: String(TTL) }

  it('the first /me reads the store and sets the snapshot; the next ones read nothing and answer the same', async () => {
    t = await testApp({ env })
    const a = await loggedIn()
    const first = await me(a)
    expect(first).toMatchObject({ status: 200, reads: 1 })
    expect(a.snapshot).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/)
    const second = await me(a)
    expect(second).toMatchObject({ status: 200, reads: 0 })
    expect(second.body).toEqual(first.body)
    expect(hits()).toBe(1)
  })

  it('the cookie is HttpOnly, SameSite=Lax, Path=/, Max-Age = TTL; __Host- with COOKIE_SECURE=1', async () => {
    t = await testApp({ env: { ...env, COOKIE_SECURE: '1' } })
    const c = t.client()
    await c.login('alice', PASSWORDS.alice)
    const res = await c.request('/me')
    const set = res.headers.getSetCookie().find((v) => v.startsWith('__Host-sid_cache='))
    expect(set).toMatch(/Max-Age=60/)
    expect(set).toMatch(/HttpOnly/)
    expect(set).toMatch(/Secure/)
    expect(set).toMatch(/SameSite=Lax/)
    expect(set).toMatch(/Path=\//)
  })

  it('trusted until iat + TTL − 1 ms; at iat + TTL the store answers again and refreshes it', async () => {
    t = await testApp({ env })
    const a = await loggedIn()
    await me(a)
    const issued = t.clock()
    t.clock.set(issued + TTL * 1000 - 1)
    expect(await me(a)).toMatchObject({ status: 200, reads: 0 })
    const old = a.snapshot
    t.clock.set(issued + TTL * 1000)
    expect(await me(a)).toMatchObject({ status: 200, reads: 1 })
    expect(a.snapshot).not.toBe(old)
    expect(await me(a)).toMatchObject({ status: 200, reads: 0 })
  })

  it('never outlives the session as the store knew it: absolute expiry caps the snapshot', async () => {
    t = await testApp({ env: { ...env, SESSION_IDLE_TTL: '120', SESSION_ABSOLUTE_TTL: '130' } })
    const a = await loggedIn()
    const start = t.clock()
    t.clock.set(start + 100_000)
    expect(await me(a)).toMatchObject({ status: 200, reads: 1 }) // snapshot until min(+60 s, absolute = +130 s)
    t.clock.set(start + 130_000 - 1)
    expect(await me(a)).toMatchObject({ status: 200, reads: 0 })
    t.clock.set(start + 130_000)
    expect((await me(a)).status).toBe(401)
  })

  it('logout clears the snapshot in the browser that logged out', async () => {
    t = await testApp({ env })
    const a = await loggedIn()
    await me(a)
    const out = await a.request('/auth/logout', { method: 'POST' })
    expect(out.status).toBe(204)
    expect(out.headers.getSetCookie().some((v) => /^sid_cache=;.*Max-Age=0/i.test(v))).toBe(true)
    expect(a.snapshot).toBeUndefined()
    expect((await me(a)).status).toBe(401)
  })
})

describe('the revocation window (better-auth #6893): accepted until the TTL, refused after', () => {
  const env = { SESSION_COOKIE_CACHE: String(TTL) }

  /** Runs `revoke` at a known time, then replays `victim` just before and at the snapshot's expiry. */
  async function windowOf(victim: Client, revoke: () => Promise<void>) {
    await me(victim) // the victim's browser now holds a fresh snapshot
    const issued = t.clock()
    await revoke()
    const during = await me(victim)
    t.clock.set(issued + TTL * 1000 - 1)
    const last = await me(victim)
    t.clock.set(issued + TTL * 1000)
    const after = await me(victim)
    return { during, last, after }
  }

  it('logout on another device: a copy of the cookies keeps answering after the owner logged out', async () => {
    t = await testApp({ env })
    const a = await loggedIn()
    await me(a)
    const thief = copyOf(a)
    const w = await windowOf(thief, async () => {
      expect((await a.request('/auth/logout', { method: 'POST' })).status).toBe(204)
    })
    expect(w.during).toMatchObject({ status: 200, reads: 0 })
    expect(w.last).toMatchObject({ status: 200, reads: 0 })
    expect(w.after.status).toBe(401)
  })

  it('revoking a session from another device (DELETE /auth/sessions/:id)', async () => {
    t = await testApp({ env })
    const [a, b] = [await loggedIn(), await loggedIn()]
    const list = (await (await b.request('/auth/sessions')).json()) as {
      sessions: { id: string; current: boolean }[]
    }
    const handle = list.sessions.find((s) => !s.current)!.id
    const w = await windowOf(a, async () => {
      expect((await b.request(`/auth/sessions/${handle}`, { method: 'DELETE' })).status).toBe(204)
    })
    expect([w.during.status, w.last.status, w.after.status]).toEqual([200, 200, 401])
  })

  it('logout-all on another device', async () => {
    t = await testApp({ env })
    const [a, b] = [await loggedIn(), await loggedIn()]
    const w = await windowOf(a, async () => {
      expect((await b.request('/auth/logout-all', { method: 'POST' })).status).toBe(204)
    })
    expect([w.during.status, w.last.status, w.after.status]).toEqual([200, 200, 401])
    expect(w.during.reads + w.last.reads).toBe(0)
  })

  it('password change on another device', async () => {
    t = await testApp({ env })
    const [a, b] = [await loggedIn(), await loggedIn()]
    const w = await windowOf(a, async () => {
      const res = await b.request('/auth/password', {
        method: 'POST',
        json: { current_password: PASSWORDS.alice, new_password: 'a-brand-new-password' },
      })
      expect(res.status).toBe(204)
    })
    expect([w.during.status, w.last.status, w.after.status]).toEqual([200, 200, 401])
  })

  it('contrast, cache off: the same events are refused at once', async () => {
    t = await testApp()
    const [a, b] = [await loggedIn(), await loggedIn()]
    await me(a)
    expect((await b.request('/auth/logout-all', { method: 'POST' })).status).toBe(204)
    expect((await me(a)).status).toBe(401)
  })
})

describe('snapshots that are never trusted', () => {
  const env = { SESSION_COOKIE_CACHE: String(TTL) }

  it('forged or altered (role → admin, another user id): the MAC fails, the store answers', async () => {
    t = await testApp({ env })
    const a = await loggedIn()
    await me(a)
    const [body, mac] = a.snapshot!.split('.') as [string, string]
    const p = JSON.parse(Buffer.from(body, 'base64url').toString()) as Record<string, unknown>
    for (const change of [
      { r: 'admin' },
      { u: t.ids.bob, n: 'bob' },
      { exp: (p.exp as number) + 3_600_000 },
    ]) {
      const altered = `${Buffer.from(JSON.stringify({ ...p, ...change })).toString('base64url')}.${mac}`
      a.snapshot = altered
      const res = await me(a)
      expect(res).toMatchObject({ status: 200, reads: 1 })
      expect(res.body.user).toMatchObject({ id: t.ids.alice, role: 'user' }) // from the store, not the snapshot
    }
    a.snapshot = 'not-a-snapshot'
    expect(await me(a)).toMatchObject({ status: 200, reads: 1 })
    // A forged snapshot next to a dead session: refused.
    const dead = copyOf(a)
    await a.request('/auth/logout', { method: 'POST' })
    dead.snapshot = `${Buffer.from(JSON.stringify(p)).toString('base64url')}.${'A'.repeat(43)}`
    expect((await me(dead)).status).toBe(401)
  })

  it('moved to another session ID: bob’s cookie with alice’s snapshot is bob (store read); with a dead ID, 401', async () => {
    t = await testApp({ env })
    const [a, b] = [await loggedIn('alice'), await loggedIn('bob')]
    await me(a)
    b.snapshot = a.snapshot
    const moved = await me(b)
    expect(moved).toMatchObject({ status: 200, reads: 1 })
    expect(moved.body.user).toMatchObject({ id: t.ids.bob })
    const stranger = t.client()
    stranger.cookie = 'x'.repeat(43) // well-formed, never issued
    stranger.snapshot = a.snapshot
    expect((await me(stranger)).status).toBe(401)
    const noSession = t.client()
    noSession.snapshot = a.snapshot
    expect((await me(noSession)).status).toBe(401)
  })

  it('expired: a snapshot past its TTL, even with a valid MAC and a live session, is not trusted', async () => {
    t = await testApp({ env })
    const a = await loggedIn()
    await me(a)
    const old = a.snapshot
    t.clock.advance(TTL * 1000)
    const revoked = copyOf(a)
    revoked.snapshot = old
    await a.request('/auth/logout-all', { method: 'POST' })
    expect((await me(revoked)).status).toBe(401)
  })

  it('a snapshot signed by another key (another deployment, or a rotated SESSION_CACHE_SECRET) is not trusted', () => {
    const clock = manualClock(Date.UTC(2026, 0, 1))
    const mk = (secret: string) =>
      new CookieCache({
        key: openCookieCacheKey({ dbPath: ':memory:', secret }),
        ttlSeconds: TTL,
        clock,
        cookieSecure: false,
        counters: new CacheCounters(),
      })
    const one = mk('x3Yt0pQm8vR2sKd7LfN1wB9cHj4Ge6Aa5Zu_Ti-Ro0')
    const same = mk('x3Yt0pQm8vR2sKd7LfN1wB9cHj4Ge6Aa5Zu_Ti-Ro0')
    const other = mk('Pq7Wn2Lk9Xs4Vb1Mc8Zd3Fg6Hj0Ty5Ru_Ei-Oa2Qw')
    const id = 'A'.repeat(43)
    const valid = {
      session: {
        idHash: '',
        expiresAt: clock() + 1_800_000,
        absoluteExpiresAt: clock() + 43_200_000,
      },
      user: { id: 1, username: 'alice', role: 'user' },
    } as unknown as Parameters<CookieCache['sign']>[0]
    valid.session.idHash = createHash('sha256').update(id).digest('hex')
    const snap = one.sign(valid)
    expect(same.verify(snap, id)?.user).toEqual({ id: 1, username: 'alice', role: 'user' })
    expect(other.verify(snap, id)).toBeNull()
    expect(one.verify(snap, 'B'.repeat(43))).toBeNull()
  })
})

describe('configuration and key', () => {
  const base = { DB_PATH: ':memory:' }

  it('SESSION_COOKIE_CACHE defaults to 0, is capped at SESSION_IDLE_TTL / 2 and at 3600', () => {
    expect(readConfig(base).cookieCache).toEqual({ ttlSeconds: 0, secret: undefined })
    expect(readConfig({ ...base, SESSION_COOKIE_CACHE: '300' }).cookieCache.ttlSeconds).toBe(300)
    expect(() => readConfig({ ...base, SESSION_COOKIE_CACHE: '901' })).toThrow(ConfigError)
    expect(() => readConfig({ ...base, SESSION_COOKIE_CACHE: '5', SESSION_IDLE_TTL: '9' })).toThrow(
      /SESSION_IDLE_TTL/,
    )
    expect(() =>
      readConfig({
        ...base,
        SESSION_COOKIE_CACHE: '3601',
        SESSION_IDLE_TTL: '86400',
        SESSION_ABSOLUTE_TTL: '86400',
      }),
    ).toThrow(/SESSION_COOKIE_CACHE/)
  })

  it('SESSION_CACHE_SECRET must be random and ≥ 32 bytes', () => {
    for (const weak of ['short', 'a'.repeat(40), 'my-super-secret-session-cache-key-1234'])
      expect(() => readConfig({ ...base, SESSION_CACHE_SECRET: weak })).toThrow(/SESSION_CACHE_SECRET/)
    const ok = 'x3Yt0pQm8vR2sKd7LfN1wB9cHj4Ge6Aa5Zu_Ti-Ro0'
    expect(readConfig({ ...base, SESSION_CACHE_SECRET: ok }).cookieCache.secret).toBe(ok)
  })

  it('without a secret: a 0600 key file beside the DB, generated once and reused', () => {
    const dir = mkdtempSync(join(tmpdir(), 'auth-lab-cookie-cache-'))
    try {
      const dbPath = join(dir, 'auth-lab.db')
      const first = openCookieCacheKey({ dbPath, secret: undefined })
      const path = cookieCacheKeyPath(dbPath)
      expect(statSync(path).mode & 0o777).toBe(0o600)
      expect(Buffer.from(readFileSync(path, 'utf8').trim(), 'base64url')).toHaveLength(32)
      const again = openCookieCacheKey({ dbPath, secret: undefined })
      expect(again.export().equals(first.export())).toBe(true)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
