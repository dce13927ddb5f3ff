import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { TestApp } from '../test-app.js'
import { bearer, login, me, refresh, refreshCookieOf, testApp, USERS } from '../test-app.js'

let t: TestApp
beforeEach(async () => {
  t = await testApp()
})
afterEach(() => t.close())

const errorOf = async (res: Response) => ((await res.json()) as { error: string }).error
const post = (path: string, headers: Record<string, string> = {}, body?: unknown) =>
  t.app.request(path, {
    method: 'POST',
    headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
const liveFamilies = (userId = 1) =>
  t.deps.db
    .prepare('SELECT COUNT(*) FROM refresh_families WHERE user_id = ? AND revoked_at IS NULL')
    .pluck()
    .get(userId)
const tokenVersion = (userId = 1) => t.deps.users.findById(userId)!.tokenVersion

describe('POST /auth/logout', () => {
  it('204: family revoked, cookie cleared, access token refused, refresh refused', async () => {
    const a = await login(t)
    const res = await post('/auth/logout', { ...bearer(a.accessToken), cookie: a.cookie })
    expect(res.status).toBe(204)
    const cleared = res.headers.getSetCookie().find((c) => c.startsWith('rt='))!
    expect(cleared).toMatch(/^rt=;/)
    expect(cleared).toMatch(/Max-Age=0/)
    expect(cleared).toMatch(/Path=\/auth/)
    expect(res.headers.get('cache-control')).toBe('no-store')
    expect(liveFamilies()).toBe(0)
    expect((await me(t, a.accessToken)).status).toBe(401)
    expect((await refresh(t, a.cookie)).status).toBe(401)
    expect((await post('/auth/logout', { ...bearer(a.accessToken), cookie: a.cookie })).status).toBe(204)
  })

  it('204 with nothing to revoke, and with garbage credentials', async () => {
    expect((await post('/auth/logout')).status).toBe(204)
    expect((await post('/auth/logout', { authorization: 'Bearer a b', cookie: 'rt=nonsense' })).status).toBe(
      204,
    )
    expect(t.unexpected).toEqual([])
  })

  it('an expired access token plus a valid refresh cookie still revokes the family', async () => {
    const a = await login(t)
    t.clock.advance(3600_000)
    expect((await post('/auth/logout', { ...bearer(a.accessToken), cookie: a.cookie })).status).toBe(204)
    expect(liveFamilies()).toBe(0)
  })

  it('cross-site logouts are refused and revoke nothing; GET does not log out', async () => {
    const a = await login(t)
    const refused: Record<string, string>[] = [
      { origin: 'https://evil.example' },
      { 'sec-fetch-site': 'cross-site' },
      { 'content-type': 'text/plain' },
    ]
    for (const h of refused) {
      const res = await post('/auth/logout', { cookie: a.cookie, ...h })
      expect([403, 415]).toContain(res.status)
      expect(res.headers.getSetCookie()).toEqual([])
    }
    expect((await t.app.request('/auth/logout', { headers: { cookie: a.cookie } })).status).toBe(405)
    expect(liveFamilies()).toBe(1)
    expect((await me(t, a.accessToken)).status).toBe(200)
  })
})

describe('POST /auth/logout-all', () => {
  it('revokes every family of the user and bumps token_version; other users untouched', async () => {
    const a1 = await login(t)
    const a2 = await login(t)
    const b = await login(t, USERS.bob)
    const v = tokenVersion()
    const res = await post('/auth/logout-all', bearer(a1.accessToken))
    expect(res.status).toBe(204)
    expect(liveFamilies()).toBe(0)
    expect(tokenVersion()).toBe(v + 1)
    for (const a of [a1, a2]) {
      expect((await me(t, a.accessToken)).status).toBe(401)
      expect((await refresh(t, a.cookie)).status).toBe(401)
    }
    expect((await me(t, b.accessToken)).status).toBe(200)
    expect((await refresh(t, b.cookie)).status).toBe(200)
    const again = await login(t)
    expect((await me(t, again.accessToken)).status).toBe(200)
  })

  it('needs a Bearer token (401) and a same-site request (403)', async () => {
    const a = await login(t)
    const res = await post('/auth/logout-all', { cookie: a.cookie })
    expect(res.status).toBe(401)
    expect(res.headers.get('www-authenticate')).toBe('Bearer realm="auth-lab"')
    expect(
      (await post('/auth/logout-all', { ...bearer(a.accessToken), origin: 'https://evil.example' })).status,
    ).toBe(403)
    expect(liveFamilies()).toBe(1)
  })
})

describe('GET/DELETE /auth/sessions', () => {
  it('lists one entry per refresh family with the stateful fields; current marks this device', async () => {
    const a = await login(t)
    await login(t)
    await login(t, USERS.bob)
    const res = await t.app.request('/auth/sessions', { headers: bearer(a.accessToken) })
    expect(res.status).toBe(200)
    expect(res.headers.get('cache-control')).toBe('no-store')
    const { sessions } = (await res.json()) as { sessions: Record<string, unknown>[] }
    expect(sessions).toHaveLength(2)
    for (const s of sessions) {
      expect(Object.keys(s).sort()).toEqual([
        'created_at',
        'current',
        'expires_at',
        'id',
        'last_seen_at',
        'user_agent',
      ])
      expect(s.user_agent).toBe('vitest')
      expect(String(s.created_at)).toMatch(/^\d{4}-\d\d-\d\dT/)
    }
    expect(sessions.filter((s) => s.current)).toHaveLength(1)
    expect(JSON.stringify(sessions)).not.toContain(a.refreshToken)
  })

  it('DELETE revokes one of my devices (its refresh and access tokens die), 404 for others and unknown ids', async () => {
    const a = await login(t)
    const phone = await login(t)
    const b = await login(t, USERS.bob)
    const list = async (tok: string) =>
      (
        (await (await t.app.request('/auth/sessions', { headers: bearer(tok) })).json()) as {
          sessions: { id: string; current: boolean }[]
        }
      ).sessions
    const phoneId = (await list(a.accessToken)).find((s) => !s.current)!.id
    const bobId = (await list(b.accessToken))[0]!.id
    const del = (id: string, tok = a.accessToken, h: Record<string, string> = {}) =>
      t.app.request(`/auth/sessions/${encodeURIComponent(id)}`, {
        method: 'DELETE',
        headers: { ...bearer(tok), ...h },
      })

    expect((await del(phoneId, a.accessToken, { origin: 'https://evil.example' })).status).toBe(403)
    expect((await del(bobId)).status).toBe(404)
    expect(await errorOf(await del('no-such-id'))).toBe('not_found')
    expect((await del(phoneId)).status).toBe(204)
    expect((await del(phoneId)).status).toBe(404)
    expect((await refresh(t, phone.cookie)).status).toBe(401)
    expect((await me(t, phone.accessToken)).status).toBe(401)
    expect((await me(t, a.accessToken)).status).toBe(200)
    expect((await refresh(t, b.cookie)).status).toBe(200)
    expect((await t.app.request('/auth/sessions')).status).toBe(401)
  })
})

describe('POST /auth/password', () => {
  const change = (tok: string, body: unknown, h: Record<string, string> = {}) =>
    post('/auth/password', { ...bearer(tok), ...h }, body)

  it('200 with a fresh pair; other devices revoked; version bumped; old password refused', async () => {
    const a = await login(t)
    const other = await login(t)
    const v = tokenVersion()
    const res = await change(a.accessToken, {
      current_password: USERS.alice.password,
      new_password: 'a-brand-new-pass',
    })
    expect(res.status).toBe(200)
    expect(res.headers.get('cache-control')).toBe('no-store')
    const body = (await res.json()) as { access_token: string; token_type: string }
    expect(body.token_type).toBe('Bearer')
    const cookie = refreshCookieOf(res)!
    expect(tokenVersion()).toBe(v + 1)
    expect((await me(t, body.access_token)).status).toBe(200)
    expect((await refresh(t, cookie)).status).toBe(200)
    for (const old of [a, other]) {
      expect((await me(t, old.accessToken)).status).toBe(401)
      expect((await refresh(t, old.cookie)).status).toBe(401)
    }
    expect((await login(t)).status).toBe(401)
    expect((await login(t, { username: 'alice', password: 'a-brand-new-pass' })).status).toBe(200)
  })

  it('a logout-all landing while the change finishes ends the fresh pair too (stamped, not re-read)', async () => {
    // Review finding (Redis token store): the fresh pair was stamped with an epoch re-read after an await, so a
    // logout-all that bumped it meanwhile left the pair alive. Here the logout-all lands exactly in that gap.
    const a = await login(t)
    const onLogoutAll = t.deps.tokens.revocation.onLogoutAll
    let landed = false
    t.deps.tokens.revocation.onLogoutAll = async (userId, families) => {
      await onLogoutAll.call(t.deps.tokens.revocation, userId, families)
      if (landed) return
      landed = true
      await t.deps.tokens.logoutAll(userId) // another device's logout-all, committed before the pair is issued
    }
    const res = await change(a.accessToken, {
      current_password: USERS.alice.password,
      new_password: 'a-brand-new-pass',
    })
    t.deps.tokens.revocation.onLogoutAll = onLogoutAll
    expect(res.status).toBe(200) // the change itself happened
    const body = (await res.json()) as { access_token: string }
    expect((await me(t, body.access_token)).status).toBe(401) // born dead: fails closed
    expect((await refresh(t, refreshCookieOf(res)!)).status).toBe(401)
  })

  it('wrong current password → 401 invalid_credentials; bad bodies → 400/415; no token → 401; cross-site → 403', async () => {
    const a = await login(t)
    const hash = () => t.deps.users.findCredentials('alice')!.passwordHash
    const before = hash()
    const wrong = await change(a.accessToken, {
      current_password: 'not-my-password',
      new_password: 'a-brand-new-pass',
    })
    expect(wrong.status).toBe(401)
    expect(await errorOf(wrong)).toBe('invalid_credentials')
    expect(
      (await change(a.accessToken, { current_password: USERS.alice.password, new_password: 'short' })).status,
    ).toBe(400)
    expect((await change(a.accessToken, { current_password: USERS.alice.password })).status).toBe(400)
    const plain = await t.app.request('/auth/password', {
      method: 'POST',
      headers: { ...bearer(a.accessToken), 'content-type': 'text/plain' },
      body: '{}',
    })
    expect(plain.status).toBe(415)
    const anon = await post(
      '/auth/password',
      {},
      { current_password: USERS.alice.password, new_password: 'a-brand-new-pass' },
    )
    expect(anon.status).toBe(401)
    const csrf = await change(
      a.accessToken,
      { current_password: USERS.alice.password, new_password: 'a-brand-new-pass' },
      { origin: 'https://evil.example' },
    )
    expect(csrf.status).toBe(403)
    expect(hash()).toBe(before)
    expect((await me(t, a.accessToken)).status).toBe(200)
  })
})
