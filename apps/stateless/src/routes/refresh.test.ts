import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { TestApp } from '../test-app.js'
import { login, me, refresh, refreshCookieOf, testApp } from '../test-app.js'

let t: TestApp
afterEach(() => t.close())

const errorOf = async (res: Response) => ((await res.json()) as { error: string }).error
const familyState = () =>
  t.deps.db
    .prepare(
      'SELECT revoked_at, revoked_reason, (SELECT COUNT(*) FROM refresh_tokens) AS tokens FROM refresh_families',
    )
    .all() as { revoked_at: number | null; revoked_reason: string | null; tokens: number }[]

describe('POST /auth/refresh: rotation', () => {
  beforeEach(async () => {
    t = await testApp()
  })

  it('rotates: a new pair, a new cookie, the old token kept as used in the same family', async () => {
    const a = await login(t)
    t.clock.advance(1000)
    const res = await refresh(t, a.cookie)
    expect(res.status).toBe(200)
    expect(res.headers.get('cache-control')).toBe('no-store')
    const body = (await res.json()) as {
      access_token: string
      token_type: string
      expires_in: number
      user: object
    }
    expect(body).toMatchObject({ token_type: 'Bearer', expires_in: 900, user: { username: 'alice' } })
    expect(body.access_token).not.toBe(a.accessToken)
    const next = refreshCookieOf(res)!
    expect(next).not.toBe(a.cookie)
    expect((await me(t, body.access_token)).status).toBe(200)
    const rows = t.deps.db
      .prepare('SELECT family_id, used_at FROM refresh_tokens ORDER BY created_at')
      .all() as {
      family_id: string
      used_at: number | null
    }[]
    expect(rows).toHaveLength(2)
    expect(rows[0]!.family_id).toBe(rows[1]!.family_id)
    expect(rows[0]!.used_at).not.toBeNull()
    expect(rows[1]!.used_at).toBeNull()
    // and the child rotates again
    expect((await refresh(t, next)).status).toBe(200)
  })

  it('reuse of a used token revokes the whole family: 401 refresh_token_reused, the child dies too', async () => {
    const a = await login(t)
    const other = await login(t) // another device of alice, untouched
    const r1 = await refresh(t, a.cookie)
    const child = refreshCookieOf(r1)!
    const reuse = await refresh(t, a.cookie)
    expect(reuse.status).toBe(401)
    expect(await errorOf(reuse)).toBe('refresh_token_reused')
    expect(reuse.headers.getSetCookie().some((c) => /^rt=;/.test(c) && /Max-Age=0/.test(c))).toBe(true)
    const childRes = await refresh(t, child)
    expect(childRes.status).toBe(401)
    expect(await errorOf(childRes)).toBe('invalid_refresh_token')
    expect((await refresh(t, other.cookie)).status).toBe(200)
    expect((await login(t)).status).toBe(200)
    const reasons = familyState().map((f) => f.revoked_reason)
    expect(reasons.filter((r) => r === 'reuse')).toHaveLength(1)
  })

  it('20 concurrent refreshes of one token: exactly one 200', async () => {
    const a = await login(t)
    const results = await Promise.all(Array.from({ length: 20 }, () => refresh(t, a.cookie)))
    const statuses = results.map((r) => r.status)
    expect(statuses.filter((s) => s === 200)).toHaveLength(1)
    expect(statuses.filter((s) => s === 401)).toHaveLength(19)
    // strict RFC 9700: the losers count as reuse, so the family is revoked and no two live tokens ever exist
    const live = t.deps.db
      .prepare(
        'SELECT COUNT(*) FROM refresh_tokens t JOIN refresh_families f ON f.id = t.family_id WHERE t.used_at IS NULL AND f.revoked_at IS NULL',
      )
      .pluck()
      .get()
    expect(live).toBe(0)
  })

  it('refuses missing, malformed, unknown and injected tokens with invalid_refresh_token and touches nothing', async () => {
    const a = await login(t)
    const before = JSON.stringify(familyState())
    for (const cookie of [
      '',
      'rt=',
      `rt=${'A'.repeat(43)}`,
      "rt=' OR 1=1--",
      `rt=${'x'.repeat(4000)}`,
      `rt=${a.accessToken}`,
    ]) {
      const res = await refresh(t, cookie)
      expect(res.status).toBe(401)
      expect(await errorOf(res)).toBe('invalid_refresh_token')
    }
    expect(JSON.stringify(familyState())).toBe(before)
    expect((await refresh(t, a.cookie)).status).toBe(200)
    expect(t.unexpected).toEqual([])
  })

  it('cross-site or form-typed refreshes are refused and consume nothing', async () => {
    const a = await login(t)
    const refused: Record<string, string>[] = [
      { origin: 'https://evil.example' },
      { 'sec-fetch-site': 'cross-site' },
      { 'sec-fetch-site': 'same-site' },
      { 'content-type': 'text/plain' },
      { 'content-type': 'application/x-www-form-urlencoded' },
    ]
    for (const h of refused) {
      const res = await refresh(t, a.cookie, h)
      expect([403, 415]).toContain(res.status)
      expect(res.headers.get('access-control-allow-origin')).toBeNull()
      expect(res.headers.getSetCookie()).toEqual([])
    }
    expect(
      t.deps.db.prepare('SELECT COUNT(*) FROM refresh_tokens WHERE used_at IS NOT NULL').pluck().get(),
    ).toBe(0)
    expect(
      (await refresh(t, a.cookie, { origin: 'http://localhost:3999', 'sec-fetch-site': 'same-origin' }))
        .status,
    ).toBe(200)
  })

  it('a disabled user refreshes nothing', async () => {
    const a = await login(t)
    t.deps.users.setDisabled(1, true)
    const res = await refresh(t, a.cookie)
    expect(res.status).toBe(401)
    expect(await errorOf(res)).toBe('invalid_refresh_token')
    t.deps.users.setDisabled(1, false)
    expect((await refresh(t, a.cookie)).status).toBe(401) // the family was revoked, not just refused
    // with the default deny-list, the family's access token was cut at that refresh attempt too
    expect((await me(t, a.accessToken)).status).toBe(401)
  })

  it('a live family behind token_version (it missed a restamp) is carried over, not logged out', async () => {
    // What a cut's race leaves (review finding): a login whose argon2 ran while another device logged out, or a
    // rotation between a Redis cut's bump and its restamp. Logging this device out would punish the wrong one.
    const a = await login(t)
    t.deps.users.bumpTokenVersion(1)
    const res = await refresh(t, a.cookie)
    expect(res.status).toBe(200)
    const next = refreshCookieOf(res)!
    expect((await refresh(t, next)).status).toBe(200) // the family now carries the current version
  })

  it('an ended credential epoch still refreshes nothing (the family is revoked)', async () => {
    const a = await login(t)
    t.deps.users.endCredentials(1)
    const res = await refresh(t, a.cookie)
    expect(res.status).toBe(401)
    expect(await errorOf(res)).toBe('invalid_refresh_token')
  })

  it('is POST only', async () => {
    expect((await t.app.request('/auth/refresh')).status).toBe(405)
  })
})

describe('refresh lifetimes (injected clock)', () => {
  beforeEach(async () => {
    t = await testApp({ env: { REFRESH_TTL: '60', REFRESH_ABSOLUTE_TTL: '150' } })
  })

  it('idle expiry: a token unused for REFRESH_TTL is refused', async () => {
    const a = await login(t)
    t.clock.advance(59_000)
    const r = await refresh(t, a.cookie)
    expect(r.status).toBe(200)
    t.clock.advance(60_000)
    const late = await refresh(t, refreshCookieOf(r)!)
    expect(late.status).toBe(401)
    expect(await errorOf(late)).toBe('invalid_refresh_token')
  })

  it('absolute expiry: the family dies REFRESH_ABSOLUTE_TTL after login however often it refreshes', async () => {
    let cookie = (await login(t)).cookie
    for (let elapsed = 0; elapsed < 140; elapsed += 40) {
      t.clock.advance(40_000)
      const r = await refresh(t, cookie)
      if (elapsed + 40 < 150) {
        expect(r.status).toBe(200)
        const setCookie = r.headers.getSetCookie()[0]!
        const maxAge = Number(/Max-Age=(\d+)/.exec(setCookie)![1])
        expect(maxAge).toBeLessThanOrEqual(150 - (elapsed + 40))
        cookie = refreshCookieOf(r)!
      } else {
        expect(r.status).toBe(401)
      }
    }
    t.clock.advance(40_000)
    expect((await refresh(t, cookie)).status).toBe(401)
  })
})

describe('REFRESH_GRACE: two tabs refreshing at once', () => {
  beforeEach(async () => {
    t = await testApp({ env: { REFRESH_GRACE: '10' } })
  })

  it('the most recently rotated token replayed within the window gets a fresh pair; both siblings work', async () => {
    const a = await login(t)
    const tab1 = await refresh(t, a.cookie)
    t.clock.advance(3000)
    const tab2 = await refresh(t, a.cookie)
    expect(tab1.status).toBe(200)
    expect(tab2.status).toBe(200)
    const c1 = refreshCookieOf(tab1)!
    const c2 = refreshCookieOf(tab2)!
    expect(c1).not.toBe(c2)
    // whichever cookie the browser kept, it refreshes; the next rotation supersedes the other sibling
    const next = await refresh(t, c2)
    expect(next.status).toBe(200)
    const stale = await refresh(t, c1)
    expect(stale.status).toBe(401)
    expect(await errorOf(stale)).toBe('refresh_token_reused')
  })

  it('outside the window, the replay is reuse and revokes the family', async () => {
    const a = await login(t)
    const r1 = await refresh(t, a.cookie)
    t.clock.advance(11_000)
    const replay = await refresh(t, a.cookie)
    expect(replay.status).toBe(401)
    expect(await errorOf(replay)).toBe('refresh_token_reused')
    expect((await refresh(t, refreshCookieOf(r1)!)).status).toBe(401)
  })

  it('an older token (not the most recently rotated) is reuse even inside the window', async () => {
    const a = await login(t)
    const r1 = await refresh(t, a.cookie)
    const r2 = await refresh(t, refreshCookieOf(r1)!)
    expect(r2.status).toBe(200)
    const replay = await refresh(t, a.cookie)
    expect(replay.status).toBe(401)
    expect(await errorOf(replay)).toBe('refresh_token_reused')
    expect((await refresh(t, refreshCookieOf(r2)!)).status).toBe(401)
  })
})
