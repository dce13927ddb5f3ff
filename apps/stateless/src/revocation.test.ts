import { afterEach, describe, expect, it } from 'vitest'
import type { TestApp } from './test-app.js'
import { bearer, login, me, refresh, testApp, USERS } from './test-app.js'

/**
 * The three REVOCATION modes, side by side: what /me costs in store access, and what a logout can reach.
 * - none: /me makes ZERO store reads; a logged-out access token keeps working until its exp (documented trade-off).
 * - denylist: one deny-list read per /me; the logged-out token is refused at once.
 * - version: one users read per /me; the logged-out token is refused at once.
 */
let t: TestApp
afterEach(() => t.close())

const logout = (token: string, cookie = '') =>
  t.app.request('/auth/logout', { method: 'POST', headers: { ...bearer(token), cookie } })

function storeOps(): { reads: number; writes: number; byTable: Record<string, number> } {
  const s = t.deps.metrics.store
  const byTable: Record<string, number> = {}
  for (const e of s.entries()) byTable[`${e.op}:${e.table}`] = e.count
  return { reads: s.get('read'), writes: s.get('write'), byTable }
}

async function opsOfMe(token: string): Promise<{ reads: number; writes: number; tables: string[] }> {
  const before = storeOps()
  const res = await me(t, token)
  expect(res.status).toBe(200)
  const after = storeOps()
  const tables = Object.keys(after.byTable).filter((k) => after.byTable[k] !== (before.byTable[k] ?? 0))
  return { reads: after.reads - before.reads, writes: after.writes - before.writes, tables }
}

describe('REVOCATION=none', () => {
  it('GET /me makes zero store reads and zero writes: the user comes from the claims', async () => {
    t = await testApp({ env: { REVOCATION: 'none' } })
    const a = await login(t)
    for (let i = 0; i < 5; i++)
      expect(await opsOfMe(a.accessToken)).toEqual({ reads: 0, writes: 0, tables: [] })
  })

  it('documented behaviour: after logout the access token is still ACCEPTED until its exp; the refresh token is dead', async () => {
    t = await testApp({ env: { REVOCATION: 'none' } })
    const a = await login(t)
    expect((await logout(a.accessToken, a.cookie)).status).toBe(204)
    expect((await me(t, a.accessToken)).status).toBe(200) // nothing can reach a self-contained token
    expect((await refresh(t, a.cookie)).status).toBe(401)
    t.clock.advance((900 + 6) * 1000)
    expect((await me(t, a.accessToken)).status).toBe(401) // ... until it expires
  })

  it('logout-all cannot reach live access tokens either (but kills every refresh family)', async () => {
    t = await testApp({ env: { REVOCATION: 'none' } })
    const a = await login(t)
    const b = await login(t)
    expect(
      (await t.app.request('/auth/logout-all', { method: 'POST', headers: bearer(a.accessToken) })).status,
    ).toBe(204)
    expect((await me(t, b.accessToken)).status).toBe(200)
    expect((await refresh(t, b.cookie)).status).toBe(401)
  })
})

describe('REVOCATION=denylist (default)', () => {
  it('GET /me makes exactly one read, of the deny-list, and no write', async () => {
    t = await testApp()
    expect(t.deps.config.revocation).toBe('denylist')
    const a = await login(t)
    expect(await opsOfMe(a.accessToken)).toEqual({ reads: 1, writes: 0, tables: ['read:token_denylist'] })
  })

  it('a logged-out access token is refused at once; the deny-list entry lasts until exp + tolerance', async () => {
    t = await testApp()
    const a = await login(t)
    const other = await login(t) // another device stays logged in
    expect((await logout(a.accessToken, a.cookie)).status).toBe(204)
    const res = await me(t, a.accessToken)
    expect(res.status).toBe(401)
    expect(res.headers.get('www-authenticate')).toContain('error="invalid_token"')
    expect((await me(t, other.accessToken)).status).toBe(200)
    const rows = t.deps.db.prepare('SELECT key, expires_at FROM token_denylist ORDER BY key').all() as {
      key: string
      expires_at: number
    }[]
    const exp = (
      JSON.parse(Buffer.from(a.accessToken.split('.')[1]!, 'base64url').toString()) as { exp: number }
    ).exp
    expect(rows.find((r) => r.key.startsWith('jti:'))!.expires_at).toBe((exp + 5) * 1000)
    expect(rows.some((r) => r.key.startsWith('sid:'))).toBe(true)
    // purge keeps live entries and drops expired ones
    expect(await t.deps.tokens.purge()).toBeGreaterThanOrEqual(0)
    expect(t.deps.db.prepare('SELECT COUNT(*) FROM token_denylist').pluck().get()).toBe(2)
    t.clock.advance((900 + 6) * 1000)
    await t.deps.tokens.purge()
    expect(t.deps.db.prepare('SELECT COUNT(*) FROM token_denylist').pluck().get()).toBe(0)
  })

  it('logout with only the refresh cookie still cuts that device’s access token (sid entry)', async () => {
    t = await testApp()
    const a = await login(t)
    const res = await t.app.request('/auth/logout', { method: 'POST', headers: { cookie: a.cookie } })
    expect(res.status).toBe(204)
    expect((await me(t, a.accessToken)).status).toBe(401)
  })

  it('refresh-token reuse cuts the access tokens of the revoked family', async () => {
    t = await testApp()
    const a = await login(t)
    const r1 = await refresh(t, a.cookie)
    const { access_token: fresh } = (await r1.json()) as { access_token: string }
    expect((await refresh(t, a.cookie)).status).toBe(401) // reuse → family revoked
    expect((await me(t, fresh)).status).toBe(401)
  })
})

describe('REVOCATION=version', () => {
  it('GET /me makes exactly one read, of the users row, and no write', async () => {
    t = await testApp({ env: { REVOCATION: 'version' } })
    const a = await login(t)
    expect(await opsOfMe(a.accessToken)).toEqual({ reads: 1, writes: 0, tables: ['read:users'] })
  })

  it('a logged-out access token is refused at once; other devices recover with one refresh', async () => {
    t = await testApp({ env: { REVOCATION: 'version' } })
    const a = await login(t)
    const other = await login(t)
    expect((await logout(a.accessToken, a.cookie)).status).toBe(204)
    expect((await me(t, a.accessToken)).status).toBe(401)
    expect((await refresh(t, a.cookie)).status).toBe(401)
    // the version bump cut every access token of the user (the mode's granularity) ...
    expect((await me(t, other.accessToken)).status).toBe(401)
    // ... but the other device's refresh family was carried over, so it is not logged out
    const r = await refresh(t, other.cookie)
    expect(r.status).toBe(200)
    const { access_token } = (await r.json()) as { access_token: string }
    expect((await me(t, access_token)).status).toBe(200)
  })

  it('a disabled user is refused at once, and /me serves the row’s current data', async () => {
    t = await testApp({ env: { REVOCATION: 'version' } })
    const a = await login(t, USERS.bob)
    expect(((await (await me(t, a.accessToken)).json()) as { user: { role: string } }).user.role).toBe(
      'admin',
    )
    t.deps.users.setDisabled(2, true)
    expect((await me(t, a.accessToken)).status).toBe(401)
  })
})

describe('credentials ended by the other app (F2: the shared credential epoch)', () => {
  // What the stateful app's password change or logout-all does to the shared users row.
  it.each([
    ['none', 200],
    ['denylist', 401],
    ['version', 401],
  ] as const)(
    'REVOCATION=%s: /me with the old access token → %i; the old refresh cookie is dead',
    async (mode, want) => {
      t = await testApp({ env: { REVOCATION: mode } })
      const a = await login(t)
      const before = storeOps()
      t.deps.users.endCredentials(1)
      expect((await me(t, a.accessToken)).status).toBe(want)
      expect((await refresh(t, a.cookie)).status).toBe(401)
      // The check stays one read (denylist: one statement covers deny-list and epoch) or none.
      expect(storeOps().reads - before.reads).toBe(mode === 'none' ? 3 : 4) // + the refresh: token, family, user
      // A fresh login under the new epoch works everywhere.
      const b = await login(t)
      expect((await me(t, b.accessToken)).status).toBe(200)
    },
  )
})
