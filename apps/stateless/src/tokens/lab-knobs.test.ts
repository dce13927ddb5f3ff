import { decodeJwt } from 'jose'
import { describe, expect, it } from 'vitest'
import { readConfig } from '../config.js'
import { login, me, testApp } from '../test-app.js'

/**
 * The lab knobs the benchmark turns on (JWT_EXTRA_CLAIM_BYTES for the size sweep, ACCESS_TTL_JITTER for refresh
 * storms): off by default, and when on, tokens still verify like any other.
 */
describe('lab knobs', () => {
  it('are off by default and validated', () => {
    expect(readConfig({}).lab).toEqual({ extraClaimBytes: 0, accessTtlJitter: 0 })
    expect(() => readConfig({ ACCESS_TTL: '10', ACCESS_TTL_JITTER: '10' })).toThrow(/ACCESS_TTL_JITTER/)
    expect(() => readConfig({ JWT_EXTRA_CLAIM_BYTES: '-1' })).toThrow(/JWT_EXTRA_CLAIM_BYTES/)
  })

  it('JWT_EXTRA_CLAIM_BYTES pads the token, which still verifies above the usual 4096-char cap', async () => {
    const t = await testApp({ env: { JWT_EXTRA_CLAIM_BYTES: '6000', REVOCATION: 'none' } })
    try {
      const { accessToken } = await login(t)
      expect((decodeJwt(accessToken).pad as string).length).toBe(6000)
      expect(accessToken.length).toBeGreaterThan(8000)
      expect((await me(t, accessToken)).status).toBe(200)
    } finally {
      t.close()
    }
  })

  it('ACCESS_TTL_JITTER shortens each lifetime by 0…jitter s and expires_in says so', async () => {
    const t = await testApp({ env: { ACCESS_TTL: '100', ACCESS_TTL_JITTER: '50' } })
    try {
      const lifetimes = new Set<number>()
      for (let i = 0; i < 12; i++) {
        const body = (await login(t)).body as { access_token: string; expires_in: number }
        const { exp, iat } = decodeJwt(body.access_token) as { exp: number; iat: number }
        expect(exp - iat).toBe(body.expires_in)
        expect(body.expires_in).toBeGreaterThanOrEqual(50)
        expect(body.expires_in).toBeLessThanOrEqual(100)
        lifetimes.add(body.expires_in)
      }
      expect(lifetimes.size).toBeGreaterThan(1) // 12 draws from 51 values: all equal has odds ~1e-20
    } finally {
      t.close()
    }
  })
})
