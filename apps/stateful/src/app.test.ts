import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { JSON_HEADERS, PASSWORDS, testApp } from './test-app.js'

describe('stateful app: public routes', () => {
  it('GET /health answers ok with the app name and instance', async () => {
    const { app } = await testApp()
    const res = await app.request('/health')
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ status: 'ok', app: 'stateful', instance: 'test-1' })
  })

  it('GET /public has the shape of /me, no cookie, no store access', async () => {
    const t = await testApp()
    const before = t.deps.metrics.store.get('read') + t.deps.metrics.store.get('write')
    const res = await t.app.request('/public')
    expect(res.status).toBe(200)
    expect(res.headers.get('cache-control')).toBe('no-store')
    expect(res.headers.get('server-timing')).toMatch(/^auth;dur=\d+\.\d{3}$/)
    expect(res.headers.getSetCookie()).toEqual([])
    const body = (await res.json()) as { user: object; auth: object }
    expect(Object.keys(body)).toEqual(['user', 'auth'])
    expect(Object.keys(body.user)).toEqual(['id', 'username', 'role'])
    expect(Object.keys(body.auth)).toEqual(['mechanism', 'expires_at'])
    expect(t.deps.metrics.store.get('read') + t.deps.metrics.store.get('write')).toBe(before)

    const c = t.client()
    await c.login('alice', PASSWORDS.alice)
    const me = await c.request('/me')
    const meText = await me.text()
    const pubText = await (await t.app.request('/public')).text()
    expect(Math.abs(meText.length - pubText.length)).toBeLessThanOrEqual(8)
  })

  it('GET / serves the demo page with its script and style from our origin', async () => {
    const { app } = await testApp()
    const page = await app.request('/')
    expect(page.status).toBe(200)
    expect(page.headers.get('content-type')).toMatch(/^text\/html/)
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'")
    const html = await page.text()
    expect(html).toContain('<script src="/demo.js"')
    expect(html).toContain('href="/demo.css"')
    expect(html).not.toMatch(/<script>|<style>|style="/)
    const js = await app.request('/demo.js')
    expect(js.headers.get('content-type')).toMatch(/^text\/javascript/)
    expect(await js.text()).toContain('/auth/sessions')
    expect((await app.request('/demo.css')).headers.get('content-type')).toMatch(/^text\/css/)
  })

  it('GET /metrics exports store operations by table', async () => {
    // /metrics is closed without METRICS_TOKEN (issue 10, F9).
    const t = await testApp({ env: { METRICS_TOKEN: 'metrics-token-for-tests-0123456789' } })
    const c = t.client()
    await c.login('alice', PASSWORDS.alice)
    await c.request('/me')
    const res = await t.app.request('/metrics', {
      headers: { authorization: 'Bearer metrics-token-for-tests-0123456789' },
    })
    expect(res.status).toBe(200)
    const text = await res.text()
    expect(text).toMatch(/auth_lab_store_operations_total\{op="read",table="sessions",app="stateful"\} \d+/)
    expect(text).toMatch(/auth_lab_logins_total\{outcome="success",app="stateful"\} 1/)
    expect(text).toContain('auth_lab_http_requests_total')
  })

  it('unknown routes are 404 not_found, wrong methods 405 with Allow', async () => {
    const { app } = await testApp()
    const nf = await app.request('/nope')
    expect(nf.status).toBe(404)
    expect(((await nf.json()) as { error: string }).error).toBe('not_found')
    const na = await app.request('/auth/logout')
    expect(na.status).toBe(405)
    expect(na.headers.get('allow')).toContain('POST')
  })
})

describe('POST /auth/login', () => {
  it('sets one HttpOnly SameSite=Lax session cookie holding a 256-bit ID; the row is keyed by its SHA-256', async () => {
    const t = await testApp()
    const c = t.client()
    const res = await c.login('alice', PASSWORDS.alice)
    expect(res.status).toBe(200)
    expect(res.headers.get('cache-control')).toBe('no-store')
    expect(await res.json()).toEqual({ user: { id: t.ids.alice, username: 'alice', role: 'user' } })
    const cookies = res.headers.getSetCookie()
    expect(cookies).toHaveLength(1)
    const cookie = cookies[0]!
    expect(cookie).toMatch(/^sid=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Lax$/)
    expect(cookie).not.toMatch(/Max-Age|Expires|Domain|Secure/i)
    const id = c.cookie!
    expect(Buffer.from(id, 'base64url')).toHaveLength(32)
    const rows = t.deps.db.prepare('SELECT id_hash, handle, user_id FROM sessions').all() as {
      id_hash: string
      handle: string
      user_id: number
    }[]
    expect(rows).toHaveLength(1)
    expect(rows[0]!.id_hash).toBe(createHash('sha256').update(id).digest('hex'))
    expect(rows[0]!.user_id).toBe(t.ids.alice)
    expect(JSON.stringify(rows)).not.toContain(id)
  })

  it('COOKIE_SECURE=1 uses __Host-sid with Secure, and ignores a plain sid cookie', async () => {
    const t = await testApp({ env: { COOKIE_SECURE: '1' } })
    const c = t.client()
    const res = await c.login('alice', PASSWORDS.alice)
    const cookie = res.headers.getSetCookie()[0]!
    expect(cookie).toMatch(/^__Host-sid=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; Secure; SameSite=Lax$/)
    expect((await c.request('/me')).status).toBe(200)
    const plain = await t.app.request('/me', { headers: { cookie: `sid=${c.cookie}` } })
    expect(plain.status).toBe(401)
  })

  it('answers an identical 401 for unknown user, wrong password and disabled user, with no cookie or row', async () => {
    const t = await testApp()
    const bodies: string[] = []
    for (const [u, p] of [
      ['alice', 'wrong-password'],
      ['nobody_zz', 'whatever-pass'],
      ['carol', PASSWORDS.carol],
    ] as const) {
      const res = await t.client().login(u, p)
      expect(res.status).toBe(401)
      expect(res.headers.getSetCookie()).toEqual([])
      bodies.push(await res.text())
    }
    expect(new Set(bodies).size).toBe(1)
    expect(JSON.parse(bodies[0]!).error).toBe('invalid_credentials')
    expect(t.rows()).toBe(0)
  })

  it('refuses bad bodies: 415, 413, 400', async () => {
    const t = await testApp()
    const post = (body: string, headers: Record<string, string> = JSON_HEADERS) =>
      t.app.request('/auth/login', { method: 'POST', headers, body })
    const cases: [Response, number, string][] = [
      [
        await post('{"username":"alice","password":"x"}', { 'content-type': 'text/plain' }),
        415,
        'unsupported_media_type',
      ],
      [
        await post(JSON.stringify({ username: 'alice', password: 'p'.repeat(20_000) })),
        413,
        'payload_too_large',
      ],
      [await post('{"username":"alice",'), 400, 'invalid_request'],
      [await post('[1,2]'), 400, 'invalid_request'],
      [await post('{"username":"alice","password":42}'), 400, 'invalid_request'],
      [await post('{"username":"alice"}'), 400, 'invalid_request'],
    ]
    for (const [res, status, code] of cases) {
      expect(res.status).toBe(status)
      expect(((await res.json()) as { error: string }).error).toBe(code)
      expect(res.headers.getSetCookie()).toEqual([])
    }
    expect(t.rows()).toBe(0)
  })

  it('throttles after 5 failures for one username: 429 with Retry-After, even with the right password', async () => {
    const t = await testApp()
    for (let i = 0; i < 5; i++) expect((await t.client().login('alice', 'wrong-password')).status).toBe(401)
    const res = await t.client().login('alice', PASSWORDS.alice)
    expect(res.status).toBe(429)
    expect(((await res.json()) as { error: string }).error).toBe('too_many_attempts')
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0)
    t.clock.advance(901_000)
    expect((await t.client().login('alice', PASSWORDS.alice)).status).toBe(200)
  })

  it('rotates the ID at login (fixation): a planted or previous ID is never the authenticated one', async () => {
    const t = await testApp()
    // Attacker-chosen, well-formed ID: never adopted, no row under it.
    const planted = 'A'.repeat(43)
    const c = t.client()
    c.cookie = planted
    await c.login('alice', PASSWORDS.alice)
    expect(c.cookie).not.toBe(planted)
    const plantedHash = createHash('sha256').update(planted).digest('hex')
    expect(
      t.deps.db.prepare('SELECT COUNT(*) FROM sessions WHERE id_hash = ?').pluck().get(plantedHash),
    ).toBe(0)

    // A live session that logs in again (same or other user) gets a new ID; the old one is dead.
    const s0 = c.cookie!
    const res = await c.login('bob', PASSWORDS.bob)
    expect(res.status).toBe(200)
    expect(res.headers.getSetCookie()).toHaveLength(1) // not hono-sessions' two (old ID first, then the new)
    expect(c.cookie).not.toBe(s0)
    expect((await t.app.request('/me', { headers: { cookie: `sid=${s0}` } })).status).toBe(401)
    const me = await c.request('/me')
    expect(((await me.json()) as { user: { username: string } }).user.username).toBe('bob')
    expect(t.rows()).toBe(1)
  })
})

describe('GET /me', () => {
  it('returns the user and session expiry with Server-Timing, no-store and no Set-Cookie', async () => {
    const t = await testApp()
    const c = t.client()
    await c.login('alice', PASSWORDS.alice)
    const res = await c.request('/me')
    expect(res.status).toBe(200)
    expect(res.headers.get('cache-control')).toBe('no-store')
    expect(res.headers.get('server-timing')).toMatch(/^auth;dur=\d+\.\d{3}$/)
    expect(res.headers.getSetCookie()).toEqual([])
    expect(await res.json()).toEqual({
      user: { id: t.ids.alice, username: 'alice', role: 'user' },
      auth: { mechanism: 'session', expires_at: new Date(t.clock() + 1800_000).toISOString() },
    })
  })

  it('answers the same 401 for missing, malformed, unknown, expired and logged-out sessions', async () => {
    const t = await testApp()
    const bodies: string[] = []
    const check = async (cookie: string | undefined) => {
      const res = await t.app.request('/me', cookie === undefined ? {} : { headers: { cookie } })
      expect(res.status).toBe(401)
      expect(res.headers.getSetCookie()).toEqual([])
      bodies.push(await res.text())
    }
    await check(undefined)
    await check('sid=garbage')
    await check(`sid=${'x'.repeat(4096)}`)
    await check("sid=' OR 1=1--")
    await check(`sid=${'B'.repeat(43)}`)
    const c = t.client()
    await c.login('alice', PASSWORDS.alice)
    const loggedOut = c.cookie!
    await c.request('/auth/logout', { method: 'POST' })
    await check(`sid=${loggedOut}`)
    await c.login('alice', PASSWORDS.alice)
    const expired = c.cookie!
    t.clock.advance(1801_000)
    await check(`sid=${expired}`)
    expect(new Set(bodies).size).toBe(1)
    expect(JSON.parse(bodies[0]!).error).toBe('unauthenticated')
  })

  it('ends the session of a user disabled after login', async () => {
    const t = await testApp()
    const c = t.client()
    await c.login('alice', PASSWORDS.alice)
    t.deps.users.setDisabled(t.ids.alice, true)
    expect((await c.request('/me')).status).toBe(401)
    expect(t.rows()).toBe(0)
  })
})

describe('POST /auth/logout', () => {
  it('deletes the row, clears the cookie (Max-Age=0) and kills the ID', async () => {
    const t = await testApp()
    const c = t.client()
    await c.login('alice', PASSWORDS.alice)
    const id = c.cookie!
    const res = await c.request('/auth/logout', { method: 'POST' })
    expect(res.status).toBe(204)
    expect(res.headers.get('cache-control')).toBe('no-store')
    const cookies = res.headers.getSetCookie()
    expect(cookies).toHaveLength(1)
    expect(cookies[0]).toMatch(
      /^sid=; Max-Age=0; Path=\/; Expires=Thu, 01 Jan 1970 00:00:00 GMT; HttpOnly; SameSite=Lax$/,
    )
    expect(t.rows()).toBe(0)
    expect((await t.app.request('/me', { headers: { cookie: `sid=${id}` } })).status).toBe(401)
  })

  it('answers 204 without a session too, and touches no store', async () => {
    const t = await testApp()
    const writes = t.deps.metrics.store.get('write', 'sessions')
    const res = await t.app.request('/auth/logout', { method: 'POST' })
    expect(res.status).toBe(204)
    const unknown = await t.app.request('/auth/logout', {
      method: 'POST',
      headers: { cookie: 'sid=nonsense' },
    })
    expect(unknown.status).toBe(204)
    expect(t.deps.metrics.store.get('write', 'sessions')).toBe(writes)
  })
})
