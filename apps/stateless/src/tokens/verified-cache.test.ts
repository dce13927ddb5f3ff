import { randomBytes } from 'node:crypto'
import { utimesSync } from 'node:fs'
import { CacheCounters, manualClock } from '@auth-lab/shared'
import { afterEach, describe, expect, it } from 'vitest'
import type { TestApp } from '../test-app.js'
import { bearer, login, me, testApp, USERS } from '../test-app.js'
import type { VerifiedAccess } from './access-token.js'
import { keyFilePath, replaceKeyFile } from './key-file.js'
import { VerifiedTokenCache } from './verified-cache.js'

/**
 * The verified-token cache (ACCESS_TOKEN_CACHE): what it remembers, for how long, and that everything the verifier
 * or the revocation check refuses is still refused with the cache on — expired, revoked (denylist, version,
 * credential epoch), signed by a removed key, or a malleated twin of a cached token (F8).
 */
let t: TestApp
afterEach(() => t?.close())

/** The cache inside the token service (private there; tests read its size). */
const cacheOf = (app: TestApp) => (app.deps.tokens as unknown as { cache?: VerifiedTokenCache }).cache

async function lookups(app: TestApp): Promise<{ hit: number; miss: number }> {
  const text = await app.deps.metrics.text()
  const n = (result: string) =>
    Number(
      new RegExp(
        `auth_lab_cache_lookups_total\\{[^}]*cache="access_token"[^}]*result="${result}"[^}]*\\} (\\d+)`,
      ).exec(text)?.[1] ?? 0,
    )
  return { hit: n('hit'), miss: n('miss') }
}

/** Same bytes, different string: flips the unused low bits of the last base64url character (a 32-byte HMAC). */
function nonCanonicalTwin(token: string): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'
  const last = token.at(-1) ?? 'A'
  return token.slice(0, -1) + (alphabet[alphabet.indexOf(last) ^ 1] ?? last)
}

const expOf = (token: string) =>
  (JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()) as { exp: number }).exp

describe('ACCESS_TOKEN_CACHE wiring', () => {
  it('is on by default: the second /me with the same token is a hit, counted on /metrics', async () => {
    t = await testApp()
    expect(cacheOf(t)?.maxEntries).toBe(10_000)
    const a = await login(t)
    expect((await me(t, a.accessToken)).status).toBe(200)
    expect(await lookups(t)).toEqual({ hit: 0, miss: 1 })
    for (let i = 0; i < 3; i++) expect((await me(t, a.accessToken)).status).toBe(200)
    expect(await lookups(t)).toEqual({ hit: 3, miss: 1 })
  })

  it('ACCESS_TOKEN_CACHE=0: no cache, every request goes through jose', async () => {
    t = await testApp({ env: { ACCESS_TOKEN_CACHE: '0' } })
    expect(cacheOf(t)).toBeUndefined()
    const a = await login(t)
    for (let i = 0; i < 3; i++) expect((await me(t, a.accessToken)).status).toBe(200)
    expect(await lookups(t)).toEqual({ hit: 0, miss: 0 })
  })

  it('is populated only by successful verifications: refused tokens are never remembered', async () => {
    t = await testApp()
    const cache = cacheOf(t)!
    const a = await login(t)
    const forged = `${a.accessToken.slice(0, -6)}AAAAAA`
    for (let i = 0; i < 3; i++) expect((await me(t, forged)).status).toBe(401)
    expect(cache.size).toBe(0)
    expect(await lookups(t)).toEqual({ hit: 0, miss: 3 })
  })
})

describe('refused with the cache on', () => {
  it('expired: a cached token answers until exp + CLOCK_TOLERANCE − 1 ms, and is refused from exp + tolerance', async () => {
    t = await testApp({ env: { REVOCATION: 'none' } })
    const a = await login(t)
    expect((await me(t, a.accessToken)).status).toBe(200) // cached
    const deadline = (expOf(a.accessToken) + 5) * 1000 // CLOCK_TOLERANCE defaults to 5 s, as jose applies it
    t.clock.set(deadline - 1)
    expect((await me(t, a.accessToken)).status).toBe(200)
    expect((await lookups(t)).hit).toBe(1)
    t.clock.set(deadline)
    expect((await me(t, a.accessToken)).status).toBe(401)
    expect((await lookups(t)).hit).toBe(1) // the expired entry did not answer
    expect(cacheOf(t)!.size).toBe(0)
  })

  it('revoked (denylist): logout refuses the cached token at once', async () => {
    t = await testApp({ env: { REVOCATION: 'denylist' } })
    const a = await login(t)
    expect((await me(t, a.accessToken)).status).toBe(200)
    expect((await me(t, a.accessToken)).status).toBe(200)
    const out = await t.app.request('/auth/logout', {
      method: 'POST',
      headers: { ...bearer(a.accessToken), cookie: a.cookie },
    })
    expect(out.status).toBe(204)
    const res = await me(t, a.accessToken)
    expect(res.status).toBe(401)
    expect(((await res.json()) as { error: string }).error).toBe('invalid_token')
    expect((await lookups(t)).hit).toBeGreaterThanOrEqual(2) // it WAS answered from the cache: the check refused it
  })

  it('revoked (version): logout-all refuses every cached token of the user at once', async () => {
    t = await testApp({ env: { REVOCATION: 'version' } })
    const [a, b] = [await login(t), await login(t)]
    for (const x of [a, b]) expect((await me(t, x.accessToken)).status).toBe(200)
    const all = await t.app.request('/auth/logout-all', { method: 'POST', headers: bearer(a.accessToken) })
    expect(all.status).toBe(204)
    for (const x of [a, b]) expect((await me(t, x.accessToken)).status).toBe(401)
  })

  it.each(['denylist', 'version'] as const)(
    'revoked (credential epoch, %s): a password change in the other app refuses the cached token',
    async (mode) => {
      t = await testApp({ env: { REVOCATION: mode } })
      const a = await login(t)
      expect((await me(t, a.accessToken)).status).toBe(200)
      const alice = t.deps.users.findByUsername(USERS.alice.username)!
      t.deps.users.endCredentials(alice.id) // what the stateful app's password change does to the shared row (F2)
      expect((await me(t, a.accessToken)).status).toBe(401)
    },
  )

  it('rotated out: a key removed from the key file drops its entries at the reload; its tokens are refused', async () => {
    t = await testApp({ env: { REVOCATION: 'none' } })
    const cache = cacheOf(t)!
    const a = await login(t)
    expect((await me(t, a.accessToken)).status).toBe(200)
    expect(cache.size).toBe(1)
    // An emergency rotation: the old key is compromised and removed outright, not kept for its retention window.
    const path = keyFilePath(t.deps.config.jwt.keysDir, 'HS256')
    const kid = randomBytes(12).toString('base64url')
    const secret = randomBytes(32).toString('base64url')
    replaceKeyFile(path, { current: kid, keys: [{ kid, alg: 'HS256', createdAt: t.clock(), secret }] })
    utimesSync(path, new Date(), new Date(Date.now() + 10_000)) // a different mtime even within the same ms
    expect(await t.deps.keys.reloadIfChanged()).toBe(true)
    expect(cache.size).toBe(0) // flushed by the reload
    expect((await me(t, a.accessToken)).status).toBe(401)
    const b = await login(t) // signed by the new key: verified and cached as usual
    expect((await me(t, b.accessToken)).status).toBe(200)
    expect((await me(t, b.accessToken)).status).toBe(200)
  })

  it('malleated twin (F8): a twin of a cached token misses the cache, goes through jose, and dies with the token', async () => {
    t = await testApp({ env: { REVOCATION: 'denylist' } })
    const a = await login(t)
    expect((await me(t, a.accessToken)).status).toBe(200)
    const twin = nonCanonicalTwin(a.accessToken)
    expect(twin).not.toBe(a.accessToken)
    const before = await lookups(t)
    const twinBefore = await me(t, twin) // whatever jose makes of it: the cache had no say
    expect([200, 401]).toContain(twinBefore.status)
    expect(await lookups(t)).toEqual({ hit: before.hit, miss: before.miss + 1 })
    const out = await t.app.request('/auth/logout', {
      method: 'POST',
      headers: { ...bearer(a.accessToken), cookie: a.cookie },
    })
    expect(out.status).toBe(204)
    expect((await me(t, a.accessToken)).status).toBe(401)
    expect((await me(t, twin)).status).toBe(401) // revocation keys on the jti, which the twin shares
  })
})

describe('VerifiedTokenCache', () => {
  const live = new Set(['k1'])
  const ring = {
    verifyKeyFor: (kid: unknown) =>
      typeof kid === 'string' && live.has(kid) ? ({} as CryptoKey) : undefined,
    liveKids: () => [...live],
    onChange: () => {},
  }
  const value = (jti: string, iat: number, exp: number, kid = 'k1'): VerifiedAccess => ({
    user: { id: 1, username: 'alice', role: 'user' },
    tokenVersion: 0,
    credentialEpoch: 0,
    sid: 'fam',
    jti,
    iat,
    exp,
    alg: 'HS256',
    kid,
  })

  it('is LRU-bounded: the least recently used entry goes first', () => {
    const clock = manualClock(1_000_000)
    const c = new CacheCounters()
    const cache = new VerifiedTokenCache({
      maxEntries: 2,
      clock,
      clockTolerance: 0,
      maxTokenAge: 900,
      ring,
      counters: c,
    })
    cache.put('a', value('a', 1000, 1900))
    cache.put('b', value('b', 1000, 1900))
    expect(cache.get('a')?.jti).toBe('a') // a is now the most recent
    cache.put('c', value('c', 1000, 1900)) // evicts b
    expect(cache.size).toBe(2)
    expect(cache.get('b')).toBeNull()
    expect(cache.get('a')?.jti).toBe('a')
    expect(cache.get('c')?.jti).toBe('c')
    expect({ hits: c.hits, misses: c.misses }).toEqual({ hits: 3, misses: 1 })
  })

  it('never outlives jose: exp + tolerance, or iat + maxTokenAge + tolerance if earlier; entries are frozen', () => {
    const clock = manualClock(1_000_000)
    const cache = new VerifiedTokenCache({
      maxEntries: 10,
      clock,
      clockTolerance: 5,
      maxTokenAge: 60,
      ring,
      counters: new CacheCounters(),
    })
    cache.put('long', value('long', 1000, 5000)) // exp far away, but jose's age check ends it at iat + 60 + 5
    clock.set((1000 + 65) * 1000 + 999)
    expect(cache.get('long')).not.toBeNull()
    clock.set((1000 + 66) * 1000)
    expect(cache.get('long')).toBeNull()
    cache.put('dead', value('dead', 1000, 1060)) // already past exp + tolerance: not stored at all
    expect(cache.size).toBe(0)
    clock.set(1_000_000)
    cache.put('x', value('x', 1000, 1060))
    expect(Object.isFrozen(cache.get('x'))).toBe(true)
    expect(Object.isFrozen(cache.get('x')?.user)).toBe(true)
  })

  it('answers only while the entry’s key is live, and retainLiveKeys drops the retired key’s entries', () => {
    const clock = manualClock(1_000_000)
    const cache = new VerifiedTokenCache({
      maxEntries: 10,
      clock,
      clockTolerance: 0,
      maxTokenAge: 900,
      ring,
      counters: new CacheCounters(),
    })
    live.add('k2')
    cache.put('one', value('one', 1000, 1900, 'k1'))
    cache.put('two', value('two', 1000, 1900, 'k2'))
    live.delete('k2')
    expect(cache.get('two')).toBeNull() // key retired by the clock: no answer even before any reload
    cache.put('two', value('two', 1000, 1900, 'k2'))
    expect(cache.retainLiveKeys()).toBe(1)
    expect(cache.size).toBe(1)
    expect(cache.get('one')?.kid).toBe('k1')
  })

  it('refuses a size of 0 (0 means: build no cache)', () => {
    expect(
      () =>
        new VerifiedTokenCache({
          maxEntries: 0,
          clock: manualClock(),
          clockTolerance: 0,
          maxTokenAge: 1,
          ring,
          counters: new CacheCounters(),
        }),
    ).toThrow()
  })
})
