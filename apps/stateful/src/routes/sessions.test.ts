import { describe, expect, it } from 'vitest'
import { PASSWORDS, testApp } from '../test-app.js'

interface Listed {
  id: string
  created_at: string
  last_seen_at: string
  expires_at: string
  user_agent: string | null
  current: boolean
}

describe('session management routes', () => {
  it('POST /auth/logout-all deletes every session of the user, not other users', async () => {
    const t = await testApp()
    const [a1, a2, b] = [t.client(), t.client(), t.client()]
    await a1.login('alice', PASSWORDS.alice)
    await a2.login('alice', PASSWORDS.alice)
    await b.login('bob', PASSWORDS.bob)
    const a2id = a2.cookie
    const res = await a1.request('/auth/logout-all', { method: 'POST' })
    expect(res.status).toBe(204)
    expect(res.headers.getSetCookie()[0]).toMatch(/^sid=; Max-Age=0/)
    expect((await t.app.request('/me', { headers: { cookie: `sid=${a2id}` } })).status).toBe(401)
    expect((await b.request('/me')).status).toBe(200)
    expect(t.rows()).toBe(1)
    const anon = await t.app.request('/auth/logout-all', { method: 'POST' })
    expect(anon.status).toBe(401)
    expect(((await anon.json()) as { error: string }).error).toBe('unauthenticated')
  })

  it('GET /auth/sessions lists the user own sessions by public handle, marking the current one', async () => {
    const t = await testApp()
    const a1 = t.client()
    const a2 = t.client()
    await a1.login('alice', PASSWORDS.alice, { headers: { 'user-agent': 'agent-one' } })
    t.clock.advance(5_000)
    await a2.login('alice', PASSWORDS.alice, { headers: { 'user-agent': 'agent-two' } })
    await t.client().login('bob', PASSWORDS.bob)
    const res = await a1.request('/auth/sessions')
    expect(res.status).toBe(200)
    expect(res.headers.get('cache-control')).toBe('no-store')
    const { sessions } = (await res.json()) as { sessions: Listed[] }
    expect(sessions).toHaveLength(2)
    expect(sessions.map((s) => s.user_agent)).toEqual(['agent-two', 'agent-one'])
    expect(sessions.map((s) => s.current)).toEqual([false, true])
    expect(Object.keys(sessions[0]!).sort()).toEqual(
      ['created_at', 'current', 'expires_at', 'id', 'last_seen_at', 'user_agent'].sort(),
    )
    const text = JSON.stringify(sessions)
    expect(text).not.toContain(a1.cookie!)
    expect(text).not.toContain(a2.cookie!)
    const hashes = t.deps.db.prepare('SELECT id_hash FROM sessions').pluck().all() as string[]
    for (const h of hashes) expect(text).not.toContain(h)
    expect((await t.app.request('/auth/sessions')).status).toBe(401)
  })

  it('DELETE /auth/sessions/:id revokes one session; unknown or foreign handles are 404', async () => {
    const t = await testApp()
    const a1 = t.client()
    const a2 = t.client()
    const b = t.client()
    await a1.login('alice', PASSWORDS.alice)
    await a2.login('alice', PASSWORDS.alice)
    await b.login('bob', PASSWORDS.bob)
    const list = async (c: typeof a1) =>
      ((await (await c.request('/auth/sessions')).json()) as { sessions: Listed[] }).sessions
    const other = (await list(a1)).find((s) => !s.current)!
    const bobs = (await list(b))[0]!

    const foreign = await a1.request(`/auth/sessions/${bobs.id}`, { method: 'DELETE' })
    expect(foreign.status).toBe(404)
    expect(((await foreign.json()) as { error: string }).error).toBe('not_found')
    expect((await b.request('/me')).status).toBe(200)
    expect((await a1.request('/auth/sessions/no-such-handle', { method: 'DELETE' })).status).toBe(404)

    const res = await a1.request(`/auth/sessions/${other.id}`, { method: 'DELETE' })
    expect(res.status).toBe(204)
    expect((await a2.request('/me')).status).toBe(401)
    expect((await a1.request('/me')).status).toBe(200)

    const current = (await list(a1))[0]!
    const self = await a1.request(`/auth/sessions/${current.id}`, { method: 'DELETE' })
    expect(self.status).toBe(204)
    expect(self.headers.getSetCookie()[0]).toMatch(/^sid=; Max-Age=0/)
    expect(a1.cookie).toBeUndefined()
    expect(t.rows()).toBe(1) // bob's
  })
})

describe('POST /auth/password', () => {
  it('rotates this session, deletes the others, bumps token_version, swaps the password', async () => {
    const t = await testApp()
    const s1 = t.client()
    const s2 = t.client()
    await s1.login('alice', PASSWORDS.alice)
    await s2.login('alice', PASSWORDS.alice)
    const oldId = s1.cookie!
    const before = t.deps.users.findById(t.ids.alice)!.tokenVersion
    const res = await s1.request('/auth/password', {
      method: 'POST',
      json: { current_password: PASSWORDS.alice, new_password: 'a-brand-new-password' },
    })
    expect(res.status).toBe(204)
    expect(res.headers.get('cache-control')).toBe('no-store')
    expect(res.headers.getSetCookie()).toHaveLength(1)
    expect(s1.cookie).toMatch(/^[A-Za-z0-9_-]{43}$/)
    expect(s1.cookie).not.toBe(oldId)
    expect((await t.app.request('/me', { headers: { cookie: `sid=${oldId}` } })).status).toBe(401)
    expect((await s2.request('/me')).status).toBe(401)
    expect((await s1.request('/me')).status).toBe(200)
    expect(t.rows()).toBe(1)
    expect(t.deps.users.findById(t.ids.alice)!.tokenVersion).toBe(before + 1)
    expect((await t.client().login('alice', PASSWORDS.alice)).status).toBe(401)
    expect((await t.client().login('alice', 'a-brand-new-password')).status).toBe(200)
  })

  it('refuses a wrong current password (401), a short or missing new one (400), no session (401)', async () => {
    const t = await testApp()
    const c = t.client()
    await c.login('alice', PASSWORDS.alice)
    const id = c.cookie
    const change = (json: unknown) => c.request('/auth/password', { method: 'POST', json })
    const wrong = await change({ current_password: 'not-the-password', new_password: 'another-password' })
    expect(wrong.status).toBe(401)
    expect(((await wrong.json()) as { error: string }).error).toBe('invalid_credentials')
    const short = await change({ current_password: PASSWORDS.alice, new_password: 'short' })
    expect(short.status).toBe(400)
    expect(((await short.json()) as { error: string }).error).toBe('invalid_request')
    expect((await change({ current_password: PASSWORDS.alice })).status).toBe(400)
    expect(c.cookie).toBe(id)
    expect((await c.request('/me')).status).toBe(200)
    const token = t.deps.users.findById(t.ids.alice)!.tokenVersion
    expect(token).toBe(0)
    const anon = await t.app.request('/auth/password', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ current_password: PASSWORDS.alice, new_password: 'another-password' }),
    })
    expect(anon.status).toBe(401)
  })
})

describe('cross-site refusals on every state-changing route', () => {
  const routes: [string, string, unknown][] = [
    ['POST', '/auth/login', { username: 'alice', password: PASSWORDS.alice }],
    ['POST', '/auth/logout', undefined],
    ['POST', '/auth/logout-all', undefined],
    ['POST', '/auth/password', { current_password: PASSWORDS.alice, new_password: 'evil-new-password' }],
    ['DELETE', '/auth/sessions/HANDLE', undefined],
  ]
  const attacks: [string, Record<string, string>][] = [
    ['Sec-Fetch-Site cross-site', { 'sec-fetch-site': 'cross-site' }],
    ['Sec-Fetch-Site same-site', { 'sec-fetch-site': 'same-site' }],
    ['foreign Origin', { origin: 'https://evil.example' }],
    ['Origin null', { origin: 'null' }],
    ['prefix-trick Origin', { origin: 'http://localhost:3001.evil.com' }],
  ]

  it.each(routes)('%s %s: 403 csrf, nothing changes; same-origin passes', async (method, path, json) => {
    const t = await testApp()
    const victim = t.client()
    const other = t.client()
    await victim.login('alice', PASSWORDS.alice)
    await other.login('alice', PASSWORDS.alice)
    const sessions = (await (await victim.request('/auth/sessions')).json()) as { sessions: Listed[] }
    const target = path.replace('HANDLE', sessions.sessions.find((s) => !s.current)!.id)
    const cookie = victim.cookie
    const writes = t.deps.metrics.store.get('write')
    for (const [, headers] of attacks) {
      const res = await victim.request(target, { method, headers, json })
      expect(res.status).toBe(403)
      expect(((await res.json()) as { error: string }).error).toBe('csrf')
      expect(res.headers.getSetCookie()).toEqual([])
    }
    expect(t.deps.metrics.store.get('write')).toBe(writes)
    expect(victim.cookie).toBe(cookie)
    expect((await victim.request('/me')).status).toBe(200)
    expect((await other.request('/me')).status).toBe(200)
    expect(t.rows()).toBe(2)
    expect((await t.client().login('alice', PASSWORDS.alice)).status).toBe(200)

    // The same request from our own origin (or with no browser headers at all) goes through.
    const ok = await victim.request(target, {
      method,
      headers: { origin: 'http://localhost:3001', 'sec-fetch-site': 'same-origin' },
      json,
    })
    expect(ok.status).toBeLessThan(300)
  })

  it.each(routes)(
    '%s %s: a text/plain or form body (no preflight, no Origin) is 415; nothing changes',
    async (method, path, json) => {
      const t = await testApp()
      const victim = t.client()
      const other = t.client()
      await victim.login('alice', PASSWORDS.alice)
      await other.login('alice', PASSWORDS.alice)
      const sessions = (await (await victim.request('/auth/sessions')).json()) as { sessions: Listed[] }
      const target = path.replace('HANDLE', sessions.sessions.find((s) => !s.current)!.id)
      const writes = t.deps.metrics.store.get('write')
      for (const type of [
        'text/plain',
        'application/x-www-form-urlencoded',
        'multipart/form-data; boundary=x',
      ]) {
        const res = await victim.request(target, {
          method,
          headers: { 'content-type': type },
          body: JSON.stringify(json ?? {}),
        })
        expect(res.status).toBe(415)
        expect(((await res.json()) as { error: string }).error).toBe('unsupported_media_type')
        expect(res.headers.getSetCookie()).toEqual([])
      }
      expect(t.deps.metrics.store.get('write')).toBe(writes)
      expect((await victim.request('/me')).status).toBe(200)
      expect((await other.request('/me')).status).toBe(200)
      expect((await t.client().login('alice', PASSWORDS.alice)).status).toBe(200)
    },
  )
})
