import { afterEach, describe, expect, it } from 'vitest'
import type { TestApp } from '../test-app.js'
import { bearer, login, me, refresh, testApp, USERS } from '../test-app.js'
import type { RefreshStore } from '../tokens/refresh-store.js'

/** Issue 10 findings fixed in the stateless routes: F4 (dead token logs nothing out), F5 (cookie tossing), F9 (cap). */
let t: TestApp
afterEach(() => t.close())

const logout = (token: string | null, cookie = '') =>
  t.app.request('/auth/logout', {
    method: 'POST',
    headers: { ...(token ? bearer(token) : {}), cookie },
  })

describe('F4: an already revoked access token revokes nothing', () => {
  it('REVOCATION=version: a token killed by a version bump cannot log out its still-live device', async () => {
    t = await testApp({ env: { REVOCATION: 'version' } })
    const a = await login(t) // the victim's device A; a thief copied A's access token
    const b = await login(t) // another device of the victim
    // The victim logs B out: the version bump kills every access token (A's too), A's family is carried over.
    expect((await logout(b.accessToken, b.cookie)).status).toBe(204)
    expect((await me(t, a.accessToken)).status).toBe(401)
    // The thief replays A's dead token at logout. Logout never fails (204)...
    expect((await logout(a.accessToken)).status).toBe(204)
    // ... but the dead token revoked nothing: A still refreshes (old code: 401, the victim was logged out).
    expect((await refresh(t, a.cookie)).status).toBe(200)
  })
})

describe('F5: more than one refresh cookie (cookie tossing)', () => {
  it('refresh refuses with 400 duplicate_cookie, clears every path, and rotates neither family', async () => {
    t = await testApp()
    const victim = await login(t)
    const attacker = await login(t, USERS.bob)
    // Browsers send the more specific path first: the attacker's cookie leads.
    const res = await refresh(t, `${attacker.cookie}; ${victim.cookie}`)
    expect(res.status).toBe(400)
    expect(((await res.json()) as { error: string }).error).toBe('duplicate_cookie')
    const cleared = res.headers.getSetCookie().filter((c) => /^rt=;/.test(c))
    expect(cleared.map((c) => /Path=([^;]+)/.exec(c)?.[1]).sort()).toEqual([
      '/auth',
      '/auth/logout',
      '/auth/refresh',
    ])
    // Nothing was consumed: each family still refreshes with its own single cookie.
    expect((await refresh(t, victim.cookie)).status).toBe(200)
    expect((await refresh(t, attacker.cookie)).status).toBe(200)
  })

  it('logout with duplicates revokes every presented family and clears all copies', async () => {
    t = await testApp()
    const a = await login(t)
    const b = await login(t)
    expect((await logout(null, `${a.cookie}; ${b.cookie}`)).status).toBe(204)
    expect((await refresh(t, a.cookie)).status).toBe(401)
    expect((await refresh(t, b.cookie)).status).toBe(401)
  })
})

describe('F9: refresh families per user are capped; the oldest device is revoked', () => {
  it('REFRESH_MAX_FAMILIES_PER_USER=2: the third login revokes the first device', async () => {
    t = await testApp({ env: { REFRESH_MAX_FAMILIES_PER_USER: '2', REVOCATION: 'denylist' } })
    const first = await login(t)
    t.clock.advance(1000)
    const second = await login(t)
    t.clock.advance(1000)
    const third = await login(t)
    expect((await refresh(t, first.cookie)).status).toBe(401)
    expect((await me(t, first.accessToken)).status).toBe(401) // denylist: its access token is cut too
    expect((await me(t, second.accessToken)).status).toBe(200)
    expect((await refresh(t, third.cookie)).status).toBe(200)
    const other = await login(t, USERS.bob)
    expect((await me(t, other.accessToken)).status).toBe(200)
  })

  it.each(['denylist', 'version', 'none'])(
    'REVOCATION=%s: the login that evicts a device gets a working access token',
    async (mode) => {
      t = await testApp({ env: { REFRESH_MAX_FAMILIES_PER_USER: '2', REVOCATION: mode } })
      const first = await login(t)
      t.clock.advance(1000)
      const second = await login(t)
      t.clock.advance(1000)
      const third = await login(t) // evicts `first`; under version that bumps the user's token version
      // The new device's first access token works (before the fix, under version: 401 invalid_token at once).
      expect((await me(t, third.accessToken)).status).toBe(200)
      expect((await refresh(t, third.cookie)).status).toBe(200)
      expect((await refresh(t, first.cookie)).status).toBe(401)
      // The device that stays keeps its refresh token whatever the mode (version cut its access token: a new one).
      expect((await refresh(t, second.cookie)).status).toBe(200)
    },
  )

  it('logins in the same millisecond never evict the device they just created', async () => {
    t = await testApp({ env: { REFRESH_MAX_FAMILIES_PER_USER: '2', REVOCATION: 'version' } })
    // The manual clock does not move: every family has the same created_at (review finding: the new one could
    // be the one evicted, its refresh token dead on arrival).
    for (let i = 0; i < 8; i++) {
      const l = await login(t)
      expect((await me(t, l.accessToken)).status).toBe(200)
      const r = await refresh(t, l.cookie)
      expect(r.status).toBe(200)
    }
  })
})

describe('REVOCATION=version under concurrency (review findings)', () => {
  it("a login racing another device's logout keeps its new device", async () => {
    t = await testApp({ env: { REVOCATION: 'version' } })
    for (let i = 0; i < 5; i++) {
      const x = await login(t)
      // Y's login reads token_version before argon2; X's logout bumps it meanwhile. Y's family was born a version
      // behind and its first refresh revoked it as stale (5 of 5 rounds before the fix).
      const [y, out] = await Promise.all([login(t), logout(x.accessToken, x.cookie)])
      expect(out.status).toBe(204)
      expect((await refresh(t, y.cookie)).status).toBe(200)
      expect((await refresh(t, x.cookie)).status).toBe(401)
    }
  })

  it('a device revoked while its own login finishes keeps no working access token', async () => {
    // Review of the fixes: the version was read after the family existed, so another device revoking the new
    // family in between (its cut bumping the version) left the new access token valid until exp.
    t = await testApp({ env: { REVOCATION: 'version' } })
    const other = await login(t)
    const store = (t.deps.tokens as unknown as { refreshTokens: RefreshStore }).refreshTokens
    const create = store.create.bind(store)
    store.create = async (user, meta) => {
      const issued = await create(user, meta)
      expect(await t.deps.tokens.revokeDevice(user.id, issued.familyId)).toBe(true) // from `other`, in between
      return issued
    }
    const fresh = await login(t)
    store.create = create
    expect((await me(t, fresh.accessToken)).status).toBe(401)
    expect((await refresh(t, fresh.cookie)).status).toBe(401)
    expect((await refresh(t, other.cookie)).status).toBe(200) // the other device recovers with one refresh
  })
})
