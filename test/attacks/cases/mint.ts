import { randomUUID } from 'node:crypto'
import { type AppServer, type Cred, currentSigningKey, decodeJwt } from '@auth-lab/test'
import { type CryptoKey, SignJWT } from 'jose'
import { JWT_ALG_OF, TEST_SECRET_BYTES } from './profiles.js'
import type { CaseContext, Profile } from './types.js'
import { mustLogin, nowS } from './util.js'

/**
 * "Holder of the real key" minting for a profile: the HS256 test secret, or the private key the app persisted in
 * JWT_KEYS_DIR. Claims start from a real access token (so only the field under test differs).
 */
export interface Minter {
  issuer: AppServer
  alg: string
  kid: string
  key: CryptoKey | Uint8Array
  /** Claims and header of a real token for `cred`'s user. */
  claims: Record<string, unknown>
  header: Record<string, unknown>
  cred: Cred
  /** Fresh valid claims (new jti, iat now, exp in 5 min), with overrides; `undefined` values delete the claim. */
  fresh(overrides?: Record<string, unknown>): Record<string, unknown>
  /** Signs with the real key and alg; header overrides allowed (undefined deletes). */
  sign(payload: Record<string, unknown>, header?: Record<string, unknown>): Promise<string>
}

export async function minter(
  ctx: CaseContext,
  profile: Profile = 'main',
  user?: { username: string; password: string },
): Promise<Minter> {
  const issuer = await ctx.server('stateless', profile)
  const u = user ?? issuer.fixtures.users.alice
  const cred = await mustLogin(ctx, issuer, u.username, u.password)
  const real = decodeJwt(cred.access ?? '')
  const alg = JWT_ALG_OF[profile] ?? 'HS256'
  const key = alg === 'HS256' ? TEST_SECRET_BYTES : (await currentSigningKey(issuer.keysDir, alg)).key
  const m: Minter = {
    issuer,
    alg,
    kid: real.header.kid,
    key,
    claims: real.payload,
    header: real.header,
    cred,
    fresh(overrides = {}) {
      const now = nowS()
      const out: Record<string, unknown> = { ...real.payload, iat: now, exp: now + 300, jti: randomUUID() }
      for (const [k, v] of Object.entries(overrides)) {
        if (v === undefined) delete out[k]
        else out[k] = v
      }
      return out
    },
    async sign(payload, header = {}) {
      const h: Record<string, unknown> = { ...real.header }
      for (const [k, v] of Object.entries(header)) {
        if (v === undefined) delete h[k]
        else h[k] = v
      }
      return new SignJWT(payload as Record<string, unknown>)
        .setProtectedHeader(h as { alg: string })
        .sign(key)
    },
  }
  return m
}
