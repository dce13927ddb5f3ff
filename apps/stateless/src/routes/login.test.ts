import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { TestApp } from '../test-app.js'
import { login, refreshCookieOf, testApp, USERS } from '../test-app.js'

let t: TestApp
beforeEach(async () => {
  t = await testApp()
})
afterEach(() => t.close())

const post = (body: string, headers: Record<string, string> = {}) =>
  t.app.request('/auth/login', {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body,
  })

describe('POST /auth/login', () => {
  it('answers 200 with a Bearer pair, the refresh token only in an HttpOnly cookie, and no-store', async () => {
    const r = await login(t)
    expect(r.status).toBe(200)
    expect(r.body).toMatchObject({
      token_type: 'Bearer',
      expires_in: 900,
      user: { username: 'alice', role: 'user' },
    })
    expect(Object.keys(r.body).sort()).toEqual(['access_token', 'expires_in', 'token_type', 'user'])
    expect(r.res.headers.get('cache-control')).toBe('no-store')
    expect(r.res.headers.get('pragma')).toBe('no-cache')
    expect(r.res.headers.get('content-type')).toMatch(/^application\/json/)
    const setCookie = r.res.headers.getSetCookie().find((c) => c.startsWith('rt='))!
    expect(setCookie).toMatch(/HttpOnly/)
    expect(setCookie).toMatch(/SameSite=Strict/)
    expect(setCookie).toMatch(/Path=\/auth/)
    expect(setCookie).not.toMatch(/Domain/i)
    expect(r.refreshToken).toMatch(/^[A-Za-z0-9_-]{43}$/)
    expect(JSON.stringify(r.body)).not.toContain(r.refreshToken)
    expect(r.accessToken.split('.')).toHaveLength(3)
  })

  it('uses __Secure-rt with Secure when COOKIE_SECURE=1, and Max-Age within the family lifetime', async () => {
    const s = await testApp({ env: { COOKIE_SECURE: '1', REFRESH_TTL: '600', REFRESH_ABSOLUTE_TTL: '3600' } })
    try {
      const r = await login(s)
      const c = r.res.headers.getSetCookie().find((x) => x.startsWith('__Secure-rt='))!
      expect(c).toMatch(/; Secure/)
      expect(c).toMatch(/Max-Age=600/)
      expect(r.cookie.startsWith('__Secure-rt=')).toBe(true)
      const refreshed = await s.app.request('/auth/refresh', {
        method: 'POST',
        headers: { cookie: r.cookie },
      })
      expect(refreshed.status).toBe(200)
      // a plain `rt` cookie is not read when the prefixed name is in force (the token is not even consumed)
      const next = refreshCookieOf(refreshed)!
      const plain = await s.app.request('/auth/refresh', {
        method: 'POST',
        headers: { cookie: next.replace('__Secure-rt=', 'rt=') },
      })
      expect(plain.status).toBe(401)
      const again = await s.app.request('/auth/refresh', { method: 'POST', headers: { cookie: next } })
      expect(again.status).toBe(200)
      const out = await s.app.request('/auth/logout', {
        method: 'POST',
        headers: { cookie: refreshCookieOf(again)! },
      })
      const cleared = out.headers.getSetCookie()[0]!
      expect(cleared).toMatch(/^__Secure-rt=; Max-Age=0; Path=\/auth; HttpOnly; Secure; SameSite=Strict$/)
    } finally {
      s.close()
    }
  })

  it('stores a family and the SHA-256 of the refresh token, never the token itself', async () => {
    const r = await login(t)
    const rows = t.deps.db.prepare('SELECT hash FROM refresh_tokens').all() as { hash: Buffer }[]
    expect(rows).toHaveLength(1)
    expect(rows[0]!.hash.length).toBe(32)
    const dump = JSON.stringify(t.deps.db.prepare('SELECT * FROM refresh_tokens, refresh_families').all())
    expect(dump).not.toContain(r.refreshToken)
    expect(t.deps.db.prepare('SELECT COUNT(*) FROM refresh_families').pluck().get()).toBe(1)
  })

  it('answers the same 401 invalid_credentials for a wrong password, an unknown user and a disabled user', async () => {
    const bodies: string[] = []
    for (const u of [
      { username: 'alice', password: 'wrong-password' },
      { username: 'nobody_zz', password: 'whatever-pass' },
      USERS.carol,
    ]) {
      const res = await post(JSON.stringify(u))
      expect(res.status).toBe(401)
      expect(res.headers.getSetCookie()).toEqual([])
      bodies.push(await res.text())
    }
    expect(new Set(bodies).size).toBe(1)
    expect(JSON.parse(bodies[0]!).error).toBe('invalid_credentials')
    expect(t.deps.db.prepare('SELECT COUNT(*) FROM refresh_families').pluck().get()).toBe(0)
  })

  it('throttles after 5 failures for one account with 429 and Retry-After', async () => {
    for (let i = 0; i < 5; i++)
      expect((await post(JSON.stringify({ username: 'alice', password: 'bad-pass' }))).status).toBe(401)
    const res = await post(JSON.stringify(USERS.alice))
    expect(res.status).toBe(429)
    expect(res.headers.get('retry-after')).toMatch(/^\d+$/)
    expect(((await res.json()) as { error: string }).error).toBe('too_many_attempts')
  })

  it('refuses bad bodies with the shared codes, never 500', async () => {
    expect((await post('{"username":"alice",')).status).toBe(400)
    expect((await post('{"username":["alice"],"password":"x"}')).status).toBe(400)
    expect((await post(JSON.stringify(USERS.alice), { 'content-type': 'text/plain' })).status).toBe(415)
    expect((await post(JSON.stringify({ username: 'alice', password: 'x'.repeat(20_000) }))).status).toBe(413)
    expect(t.unexpected).toEqual([])
  })

  it('refuses cross-site logins with 403 csrf and issues nothing', async () => {
    const refused: Record<string, string>[] = [
      { origin: 'https://evil.example' },
      { 'sec-fetch-site': 'cross-site' },
      { origin: 'null' },
    ]
    for (const h of refused) {
      const res = await post(JSON.stringify(USERS.alice), h)
      expect(res.status).toBe(403)
      expect(((await res.json()) as { error: string }).error).toBe('csrf')
      expect(res.headers.getSetCookie()).toEqual([])
    }
    const ok = await post(JSON.stringify(USERS.alice), {
      origin: 'http://localhost:3999',
      'sec-fetch-site': 'same-origin',
    })
    expect(ok.status).toBe(200)
    expect(t.deps.db.prepare('SELECT COUNT(*) FROM refresh_families').pluck().get()).toBe(1)
  })

  it('is POST only (405 with Allow)', async () => {
    const res = await t.app.request('/auth/login?username=alice&password=alice-test-pass')
    expect(res.status).toBe(405)
    expect(res.headers.get('allow')).toBe('POST')
  })
})
