import { rmSync } from 'node:fs'
import { decodeProtectedHeader } from 'jose'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { TestApp } from '../test-app.js'
import { bearer, login, me, refresh, tempDir, testApp } from '../test-app.js'

/** Every signing algorithm and the JWE format, end to end through the app (login → /me → refresh → JWKS). */
const FORMATS = [
  { name: 'HS256', env: { JWT_ALG: 'HS256' }, alg: 'HS256', publicKeys: 0, parts: 3 },
  { name: 'RS256', env: { JWT_ALG: 'RS256' }, alg: 'RS256', publicKeys: 1, parts: 3 },
  { name: 'ES256', env: { JWT_ALG: 'ES256' }, alg: 'ES256', publicKeys: 1, parts: 3 },
  { name: 'EdDSA', env: { JWT_ALG: 'EdDSA' }, alg: 'EdDSA', publicKeys: 1, parts: 3 },
  { name: 'JWE dir+A256GCM', env: { ACCESS_TOKEN_FORMAT: 'jwe' }, alg: 'dir', publicKeys: 0, parts: 5 },
] as const

const dir = tempDir()
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe.each(FORMATS)('$name', (f) => {
  let t: TestApp
  beforeAll(async () => {
    // One DB per format, one shared keys dir: each format has its own key file (jwt-<ALG>.json).
    t = await testApp({ env: { ...f.env, JWT_KEYS_DIR: `${dir}/keys`, DB_PATH: `${dir}/${f.alg}.db` } })
  })
  afterAll(() => t.close())

  it('issues tokens with header {alg, typ: at+jwt, kid} that /me accepts', async () => {
    const a = await login(t)
    expect(a.status).toBe(200)
    expect(a.accessToken.split('.')).toHaveLength(f.parts)
    const header = decodeProtectedHeader(a.accessToken)
    expect(header).toMatchObject({ alg: f.alg, typ: 'at+jwt', kid: t.deps.keys.current().kid })
    if (f.parts === 5) expect(header.enc).toBe('A256GCM')
    const res = await me(t, a.accessToken)
    expect(res.status).toBe(200)
    const body = (await res.json()) as { auth: { alg: string; kid: string } }
    expect(body.auth).toMatchObject({ alg: f.alg, kid: header.kid })
    const r = await refresh(t, a.cookie)
    expect(r.status).toBe(200)
  })

  it('refuses a tampered token', async () => {
    const a = await login(t)
    const parts = a.accessToken.split('.')
    const i = f.parts === 5 ? 3 : 1 // JWE: the ciphertext; JWS: the payload
    const p = parts[i]!
    parts[i] = (p[0] === 'A' ? 'B' : 'A') + p.slice(1)
    const res = await t.app.request('/me', { headers: bearer(parts.join('.')) })
    expect(res.status).toBe(401)
    expect(t.unexpected).toEqual([])
  })

  it(`publishes ${f.publicKeys} public key(s) in the JWKS, never private or secret material`, async () => {
    const res = await t.app.request('/.well-known/jwks.json')
    expect(res.status).toBe(200)
    const jwks = (await res.json()) as { keys: Record<string, unknown>[] }
    expect(jwks.keys).toHaveLength(f.publicKeys)
    for (const k of jwks.keys) {
      expect(k).toMatchObject({ kid: t.deps.keys.current().kid, alg: f.alg, use: 'sig' })
      for (const secret of ['d', 'p', 'q', 'dp', 'dq', 'qi', 'k']) expect(k).not.toHaveProperty(secret)
    }
  })
})

describe('tokens do not cross algorithms', () => {
  it('a token of one algorithm is refused by an app configured for another, with 401', async () => {
    const apps = await Promise.all(
      FORMATS.map((f) =>
        testApp({ env: { ...f.env, JWT_KEYS_DIR: `${dir}/keys`, DB_PATH: `${dir}/x-${f.alg}.db` } }),
      ),
    )
    try {
      const tokens = await Promise.all(apps.map(async (a) => (await login(a)).accessToken))
      for (const [i, app] of apps.entries()) {
        for (const [j, token] of tokens.entries()) {
          const res = await me(app, token)
          expect(res.status).toBe(i === j ? 200 : 401)
        }
        expect(app.unexpected).toEqual([])
      }
    } finally {
      for (const a of apps) a.close()
    }
  })
})
