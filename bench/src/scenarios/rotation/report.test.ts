import { describe, expect, it } from 'vitest'
import type { RotationRow } from './measure.js'
import { rotationInvalid, rotationVerdicts } from './report.js'

const row = (extra: Partial<RotationRow> = {}): RotationRow => ({
  config: 'stateless-es256',
  alg: 'ES256',
  oldKid: 'old',
  newKid: 'new',
  rotateExit: 0,
  load: {
    responses: 900,
    ok2xx: 900,
    non2xx: 0,
    errors: 0,
    timeouts: 0,
    statusCounts: { 200: 900 },
    durationSec: 4,
  },
  loadSpannedRotation: true,
  serverPickupMs: 700,
  verifierPickupMs: 29_000,
  verifierRefusals: 280,
  verifierRefusalCode: 'ERR_JWKS_NO_MATCHING_KEY',
  oldOnVerifierOk: true,
  oldBeforeExp: 200,
  oldAfterExp: 401,
  oldAfterExpOnVerifier: 'ERR_JWT_EXPIRED',
  oldRemainingMs: 20_000,
  cooldownMs: 30_000,
  ...extra,
})

describe('rotation verdict', () => {
  it('is supported with no failed request, old tokens to exp and the verifier catching up — and says how late', () => {
    const v = rotationVerdicts([row()])[0]
    expect(v?.status).toBe('supported')
    expect(v?.text).toContain('29 s after the rotation')
    expect(v?.text).toContain('refusing 280 valid new-key token(s)')
  })

  it('is mixed on a failed request or an old token refused before its exp', () => {
    expect(rotationVerdicts([row({ load: { ...row().load, non2xx: 3 } })])[0]?.status).toBe('mixed')
    const early = rotationVerdicts([row({ oldBeforeExp: 401 })])[0]
    expect(early?.status).toBe('mixed')
    expect(early?.text).toContain('refused before its exp')
  })

  it('does not judge a run whose load missed the rotation', () => {
    expect(rotationInvalid([row({ loadSpannedRotation: false })])).toHaveLength(1)
    expect(rotationVerdicts([row({ loadSpannedRotation: false })])).toEqual([])
  })
})
