import { createPublicKey } from 'node:crypto'
import type { JWTPayload } from 'jose'
import { base64url, EncryptJWT, exportSPKI, generateKeyPair, generateSecret, SignJWT } from 'jose'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { TestApp } from '../test-app.js'
import { bearer, login, testApp } from '../test-app.js'

/**
 * Gray-box checks of access-token verification: tokens minted with the server's own secret but bad claims or
 * headers must all be refused with 401 invalid_token (never 500), and the good ones accepted. Time is the
 * injected clock: no sleeping.
 */
const SECRET = 'C5m1c1p_Z2Z76Gl_7t8UonE8o6Hotu-9UZ7P4kbX90c' // 32 random bytes: weak secrets are refused (F6)
const KEY = new TextEncoder().encode(SECRET)

let t: TestApp
let kid: string
let nowS: number
beforeAll(async () => {
  t = await testApp({ env: { JWT_SECRET: SECRET, REVOCATION: 'none' } })
  kid = t.deps.keys.current().kid
  nowS = Math.floor(t.clock() / 1000)
})
afterAll(() => t.close())

const good = (): JWTPayload => ({
  iss: 'auth-lab',
  aud: 'auth-lab-api',
  sub: '1',
  iat: nowS,
  exp: nowS + 900,
  jti: 'jti-123456789012345678',
  ver: 0,
  ep: 0,
  role: 'user',
  sid: 'family-id',
  preferred_username: 'alice',
})

async function mint(
  claims: JWTPayload,
  header: Record<string, unknown> = {},
  key: Uint8Array | CryptoKey = KEY,
): Promise<string> {
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256', typ: 'at+jwt', kid, ...header } as never)
    .sign(key)
}

async function status(token: string): Promise<number> {
  const res = await t.app.request('/me', { headers: bearer(token) })
  if (res.status === 401) {
    expect(res.headers.get('www-authenticate')).toContain('error="invalid_token"')
  }
  return res.status
}

function without(claim: string): JWTPayload {
  const c = good()
  delete c[claim]
  return c
}

/** Builds `header.payload.signature` by hand, for headers jose refuses to produce. */
function raw(header: object, payload: object, sig = ''): string {
  const enc = (o: object) => base64url.encode(JSON.stringify(o))
  return `${enc(header)}.${enc(payload)}.${sig}`
}

describe('access-token verification', () => {
  it('accepts a correctly minted token (the helper is right)', async () => {
    expect(await status(await mint(good()))).toBe(200)
  })

  it.each(['exp', 'iat', 'sub', 'jti', 'iss', 'aud'])('refuses a token without %s', async (claim) => {
    expect(await status(await mint(without(claim)))).toBe(401)
  })

  it('checks issuer and audience; an audience array containing ours is fine', async () => {
    expect(await status(await mint({ ...good(), iss: 'someone-else' }))).toBe(401)
    expect(await status(await mint({ ...good(), aud: 'other-api' }))).toBe(401)
    expect(await status(await mint({ ...good(), aud: [] }))).toBe(401)
    expect(await status(await mint({ ...good(), aud: ['other'] }))).toBe(401)
    expect(await status(await mint({ ...good(), aud: ['other', 'auth-lab-api'] }))).toBe(200)
  })

  it('requires typ at+jwt', async () => {
    expect(await status(await mint(good(), { typ: undefined }))).toBe(401)
    expect(await status(await mint(good(), { typ: 'JWT' }))).toBe(401)
    expect(await status(await mint(good(), { typ: 'rt+jwt' }))).toBe(401)
    expect(await status(await mint(good(), { typ: 'application/at+jwt' }))).toBe(200)
  })

  it('expiry with CLOCK_TOLERANCE=5: exp 4 s ago still passes, 6 s ago does not', async () => {
    expect(await status(await mint({ ...good(), exp: nowS - 4 }))).toBe(200)
    expect(await status(await mint({ ...good(), exp: nowS - 6 }))).toBe(401)
    expect(await status(await mint({ ...good(), iat: nowS - 900, exp: nowS - 600 }))).toBe(401)
  })

  it('nbf: now or within tolerance passes, beyond it is refused', async () => {
    expect(await status(await mint({ ...good(), nbf: nowS }))).toBe(200)
    expect(await status(await mint({ ...good(), nbf: nowS + 4 }))).toBe(200)
    expect(await status(await mint({ ...good(), nbf: nowS + 65 }))).toBe(401)
  })

  it('max token age: iat in the future, or older than ACCESS_TTL, is refused even with a live exp', async () => {
    expect(await status(await mint({ ...good(), iat: nowS + 3600, exp: nowS + 7200 }))).toBe(401)
    expect(await status(await mint({ ...good(), iat: nowS - 2000, exp: nowS + 600 }))).toBe(401)
    expect(await status(await mint({ ...good(), iat: nowS - 890, exp: nowS + 10 }))).toBe(200)
  })

  it('a real token follows the injected clock: valid at exp+4 s, invalid at exp+6 s', async () => {
    const a = await login(t)
    const start = t.clock()
    t.clock.set(start + 904_000)
    expect(await status(a.accessToken)).toBe(200)
    t.clock.set(start + 906_000)
    expect(await status(a.accessToken)).toBe(401)
    t.clock.set(start)
  })

  it('refuses claims of the wrong shape (sub not a positive integer string, bad role, missing sid)', async () => {
    expect(await status(await mint({ ...good(), sub: 'alice' }))).toBe(401)
    expect(await status(await mint({ ...good(), sub: "1' OR 1=1--" }))).toBe(401)
    expect(await status(await mint({ ...good(), sub: 1 as unknown as string }))).toBe(401)
    expect(await status(await mint({ ...good(), role: 'root' }))).toBe(401)
    expect(await status(await mint(without('sid')))).toBe(401)
    expect(await status(await mint(without('ver')))).toBe(401)
  })

  it('pins the algorithm: HS384/HS512 with the real secret, and alg none in every spelling, are refused', async () => {
    for (const alg of ['HS384', 'HS512']) {
      const tok = await new SignJWT(good()).setProtectedHeader({ alg, typ: 'at+jwt', kid }).sign(KEY)
      expect(await status(tok)).toBe(401)
    }
    const real = await mint(good())
    const sig = real.split('.')[2]!
    for (const alg of ['none', 'None', 'NONE', 'nOnE', '', null, ['HS256']]) {
      expect(await status(raw({ alg, typ: 'at+jwt', kid }, good(), ''))).toBe(401)
      expect(await status(raw({ alg, typ: 'at+jwt', kid }, good(), sig))).toBe(401)
    }
    expect(await status(raw({ typ: 'at+jwt', kid }, good(), sig))).toBe(401)
  })

  it('refuses a different secret, an unknown kid, embedded keys and jku, without fetching anything', async () => {
    expect(await status(await mint(good(), {}, await generateSecret('HS256')))).toBe(401)
    expect(await status(await mint(good(), { kid: 'not-ours' }))).toBe(401)
    expect(await status(await mint(good(), { kid: undefined }))).toBe(401)
    const attacker = await generateKeyPair('RS256', { extractable: true })
    const jwk = { kty: 'RSA', n: 'AQAB', e: 'AQAB' }
    const withJwk = await new SignJWT(good())
      .setProtectedHeader({ alg: 'RS256', typ: 'at+jwt', kid, jwk })
      .sign(attacker.privateKey)
    expect(await status(withJwk)).toBe(401)
    const withJku = await new SignJWT(good())
      .setProtectedHeader({ alg: 'RS256', typ: 'at+jwt', kid, jku: 'http://127.0.0.1:9/jwks.json' })
      .sign(attacker.privateKey)
    expect(await status(withJku)).toBe(401)
  })

  it('refuses asymmetric tokens in HS256 mode with 401, never 500', async () => {
    for (const alg of ['RS256', 'ES256', 'EdDSA'] as const) {
      const pair = await generateKeyPair(alg)
      const tok = await new SignJWT(good())
        .setProtectedHeader({ alg, typ: 'at+jwt', kid })
        .sign(pair.privateKey)
      expect(await status(tok)).toBe(401)
    }
    expect(t.unexpected).toEqual([])
  })

  it('refuses a JWE where a JWS is expected', async () => {
    const jwe = await new EncryptJWT(good())
      .setProtectedHeader({ alg: 'dir', enc: 'A256GCM', typ: 'at+jwt', kid })
      .encrypt(await generateSecret('A256GCM'))
    expect(await status(jwe)).toBe(401)
  })
})

describe('key confusion in RS256 mode', () => {
  let rs: TestApp
  beforeAll(async () => {
    rs = await testApp({ env: { JWT_ALG: 'RS256', JWT_KEYS: 'ephemeral', REVOCATION: 'none' } })
  })
  afterAll(() => rs.close())

  it('an HS256 token keyed with the public key (PEM, JWK text, DER) is refused with 401, never 500', async () => {
    const jwks = (await (await rs.app.request('/.well-known/jwks.json')).json()) as {
      keys: Record<string, string>[]
    }
    const pub = jwks.keys[0]!
    const keyObj = createPublicKey({ key: pub as never, format: 'jwk' })
    const pem = await exportSPKI(keyObj)
    const der = keyObj.export({ type: 'spki', format: 'der' })
    const secrets = [pem, pem.trimEnd(), JSON.stringify(pub)].map((s) => new TextEncoder().encode(s))
    secrets.push(new Uint8Array(der))
    for (const secret of secrets) {
      const tok = await new SignJWT({ ...good(), sub: '2' })
        .setProtectedHeader({ alg: 'HS256', typ: 'at+jwt', kid: pub.kid })
        .sign(secret)
      const res = await rs.app.request('/me', { headers: bearer(tok) })
      expect(res.status).toBe(401)
    }
    expect(rs.unexpected).toEqual([])
  })
})
