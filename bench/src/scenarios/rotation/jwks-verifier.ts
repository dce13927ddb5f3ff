/**
 * A resource server that verifies access tokens itself from the issuer's JWKS (`jose.createRemoteJWKSet`), run as
 * its own process by the rotation experiment: it never shares memory or a key file with the app, only HTTP.
 * Env: JWKS_URL, JWT_ALG, JWKS_COOLDOWN_MS (unset = jose's default, 30 s). Over IPC it receives `{id, token}` and
 * answers `{id, ok, kid, code}`: the jose error code when the token is refused (ERR_JWKS_NO_MATCHING_KEY while the
 * new key is not yet in its cached set).
 */
import { createRemoteJWKSet, decodeProtectedHeader, errors, jwtVerify } from 'jose'

const url = process.env.JWKS_URL
const alg = process.env.JWT_ALG
if (!url || !alg || !process.send) {
  console.error('jwks-verifier: needs JWKS_URL, JWT_ALG and an IPC channel')
  process.exit(2)
}
const cooldown = process.env.JWKS_COOLDOWN_MS
const jwks = createRemoteJWKSet(new URL(url), cooldown ? { cooldownDuration: Number(cooldown) } : {})

process.on('message', async (msg: { id: number; token: string }) => {
  let kid: string | null = null
  try {
    kid = decodeProtectedHeader(msg.token).kid ?? null
    await jwtVerify(msg.token, jwks, {
      issuer: 'auth-lab',
      audience: 'auth-lab-api',
      algorithms: [alg],
      typ: 'at+jwt',
    })
    process.send?.({ id: msg.id, ok: true, kid, code: null })
  } catch (err) {
    const code = err instanceof errors.JOSEError ? err.code : 'ERR_OTHER'
    process.send?.({ id: msg.id, ok: false, kid, code })
  }
})
process.on('disconnect', () => process.exit(0))
process.send({ ready: true })
