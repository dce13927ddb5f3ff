import { createHmac, generateKeyPairSync } from 'node:crypto'
import { exportJWK, generateKeyPair, SignJWT } from 'jose'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type NaiveVerifier, startNaiveVerifier } from './naive-verifier.js'

// The naive verifier must really be naive, or the C11 contrast in the attacks report proves nothing.
const b64u = (x: string | Buffer) => Buffer.from(x).toString('base64url')
const secret = new TextEncoder().encode('naive-verifier-test-secret-0123456789abcdef')

async function me(v: NaiveVerifier, token: string): Promise<number> {
  return (await fetch(`${v.url}/me`, { headers: { authorization: `Bearer ${token}` } })).status
}

describe('naive verifier (bench only)', () => {
  let hs: NaiveVerifier
  let rs: NaiveVerifier
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 })
  const pem = rsa.publicKey.export({ type: 'spki', format: 'pem' }).toString()

  beforeAll(async () => {
    hs = await startNaiveVerifier({ secret })
    rs = await startNaiveVerifier({ publicKeyPem: pem })
  })
  afterAll(async () => {
    await Promise.all([hs.close(), rs.close()])
  })

  it('accepts a correctly signed token and refuses a wrong signature', async () => {
    expect(
      await me(hs, await new SignJWT({ sub: '1' }).setProtectedHeader({ alg: 'HS256' }).sign(secret)),
    ).toBe(200)
    expect(
      await me(
        hs,
        await new SignJWT({ sub: '1' }).setProtectedHeader({ alg: 'HS256' }).sign(new Uint8Array(32)),
      ),
    ).toBe(401)
  })

  it('accepts alg none, HS512 with the same secret, and expired tokens', async () => {
    expect(await me(hs, `${b64u('{"alg":"nOnE"}')}.${b64u('{"sub":"2"}')}.`)).toBe(200)
    expect(
      await me(hs, await new SignJWT({ sub: '3' }).setProtectedHeader({ alg: 'HS512' }).sign(secret)),
    ).toBe(200)
    const expired = await new SignJWT({ sub: '4' })
      .setProtectedHeader({ alg: 'HS256' })
      .setExpirationTime(1)
      .sign(secret)
    expect(await me(hs, expired)).toBe(200)
  })

  it('accepts HS256 keyed with the RS256 public key PEM (key confusion) and an embedded jwk', async () => {
    const input = `${b64u('{"alg":"HS256"}')}.${b64u('{"sub":"5"}')}`
    expect(await me(rs, `${input}.${createHmac('sha256', pem).update(input).digest('base64url')}`)).toBe(200)
    const attacker = await generateKeyPair('ES256', { extractable: true })
    const jwk = await exportJWK(attacker.publicKey)
    expect(
      await me(
        rs,
        await new SignJWT({ sub: '6' }).setProtectedHeader({ alg: 'ES256', jwk }).sign(attacker.privateKey),
      ),
    ).toBe(200)
  })
})
