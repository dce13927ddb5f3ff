import { randomBytes, randomInt } from 'node:crypto'
import type { Clock, PublicUser } from '@auth-lab/shared'
import type { JWTPayload, JWTVerifyResult } from 'jose'
import { EncryptJWT, jwtDecrypt, jwtVerify, SignJWT } from 'jose'
import type { JwtConfig, LabConfig } from '../config.js'
import type { KeyRing } from './keys.js'

/**
 * Access tokens: short-lived JWTs (RFC 9068 profile) carried as `Authorization: Bearer`.
 *
 * Header `{alg, typ: "at+jwt", kid}`; claims `iss`, `aud`, `sub` (user id), `iat`, `exp`, `jti` (128 random bits),
 * `ver` (the user's token_version), `role`, plus `sid` (the refresh family = device, so logout can revoke the
 * device's access tokens and the device list can mark the current one) and `preferred_username` (so /me can answer
 * from the token alone). Nothing secret: a JWS payload is only base64url, readable by whoever holds the token.
 *
 * Verification never trusts the token's own header for policy: the algorithm is pinned to the configured one
 * (no `none`, no HS/RS confusion), the key is chosen by `kid` among our own keys only (no `jwk`/`jku`/`x5u`),
 * `typ` must be at+jwt, iss/aud must match, exp/iat/sub/jti are required, `maxTokenAge` bounds a future or
 * ancient `iat`, and all time checks use the injected clock with `clockTolerance` leeway. Every failure, whatever
 * its kind (jose error, TypeError from a hostile key confusion, bad claim shape), is the value `null`.
 */
export interface AccessClaims extends JWTPayload {
  sub: string
  jti: string
  iat: number
  exp: number
  ver: number
  /** The user's credential epoch at issue (F2): a password change, disable or logout-all in either app moves it. */
  ep: number
  role: 'user' | 'admin'
  sid: string
  preferred_username: string
}

export interface VerifiedAccess {
  user: PublicUser
  tokenVersion: number
  credentialEpoch: number
  sid: string
  jti: string
  iat: number
  exp: number
  alg: string
  kid: string
}

export interface IssuedAccess {
  token: string
  jti: string
  exp: number
  expiresIn: number
}

export const TOKEN_TYPE = 'at+jwt'
/** Far above any token we issue (an RS256 JWS is ~600 chars); refuses megabyte headers before parsing. */
const MAX_TOKEN_LENGTH = 4096
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/
const COMPACT_JWE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/
const USER_ID = /^[1-9][0-9]{0,15}$/

const NO_LAB: LabConfig = { extraClaimBytes: 0, accessTtlJitter: 0 }

export class AccessTokens {
  private readonly verifyOptions
  private readonly maxLength: number
  private readonly pad: string | undefined

  constructor(
    private readonly ring: KeyRing,
    private readonly jwt: JwtConfig,
    private readonly clock: Clock,
    private readonly lab: LabConfig = NO_LAB,
  ) {
    // Lab knob JWT_EXTRA_CLAIM_BYTES: the cap grows by the padding's encoded size (base64url ×4/3, JWE adds a
    // little), so a padded token is judged like an unpadded one and the size sweep measures cost, not the cap.
    this.maxLength = MAX_TOKEN_LENGTH + Math.ceil((lab.extraClaimBytes * 4) / 3) * 2
    this.pad = lab.extraClaimBytes > 0 ? 'x'.repeat(lab.extraClaimBytes) : undefined
    this.verifyOptions = {
      issuer: jwt.issuer,
      audience: jwt.audience,
      typ: TOKEN_TYPE,
      requiredClaims: ['exp', 'iat', 'sub', 'jti'],
      maxTokenAge: jwt.accessTtl,
      clockTolerance: jwt.clockTolerance,
    }
  }

  get format(): 'jws' | 'jwe' {
    return this.jwt.format
  }

  /** The `alg` header value tokens carry. */
  get alg(): string {
    return this.jwt.format === 'jwe' ? 'dir' : this.jwt.alg
  }

  async issue(
    user: PublicUser & { tokenVersion: number; credentialEpoch: number },
    sid: string,
  ): Promise<IssuedAccess> {
    const key = this.ring.current()
    const iat = Math.floor(this.clock() / 1000)
    // Lab knob ACCESS_TTL_JITTER: a random shortening spreads the expiry of tokens issued together (storms).
    const jitter = this.lab.accessTtlJitter > 0 ? randomInt(0, this.lab.accessTtlJitter + 1) : 0
    const exp = iat + this.jwt.accessTtl - jitter
    const jti = randomBytes(16).toString('base64url')
    const claims = {
      ver: user.tokenVersion,
      ep: user.credentialEpoch,
      role: user.role,
      sid,
      preferred_username: user.username,
      ...(this.pad === undefined ? {} : { pad: this.pad }),
    }
    const builder =
      this.jwt.format === 'jwe'
        ? new EncryptJWT(claims).setProtectedHeader({
            alg: 'dir',
            enc: 'A256GCM',
            typ: TOKEN_TYPE,
            kid: key.kid,
          })
        : new SignJWT(claims).setProtectedHeader({ alg: this.jwt.alg, typ: TOKEN_TYPE, kid: key.kid })
    builder
      .setIssuer(this.jwt.issuer)
      .setAudience(this.jwt.audience)
      .setSubject(String(user.id))
      .setIssuedAt(iat)
      .setExpirationTime(exp)
      .setJti(jti)
    const token =
      builder instanceof EncryptJWT
        ? await builder.encrypt(key.signKey)
        : await (builder as SignJWT).sign(key.signKey)
    return { token, jti, exp, expiresIn: exp - iat }
  }

  /** The verified token, or null for anything else. Never throws. */
  async verify(token: string): Promise<VerifiedAccess | null> {
    try {
      if (token.length > this.maxLength) return null
      const currentDate = new Date(this.clock())
      let result: Pick<JWTVerifyResult, 'payload' | 'protectedHeader'>
      if (this.jwt.format === 'jwe') {
        if (!COMPACT_JWE.test(token)) return null
        result = await jwtDecrypt(token, (h) => this.keyFor(h.kid), {
          ...this.verifyOptions,
          currentDate,
          keyManagementAlgorithms: ['dir'],
          contentEncryptionAlgorithms: ['A256GCM'],
        })
      } else {
        if (!COMPACT_JWS.test(token)) return null
        result = await jwtVerify(token, (h) => this.keyFor(h.kid), {
          ...this.verifyOptions,
          currentDate,
          algorithms: [this.jwt.alg],
        })
      }
      return toVerified(result.payload, result.protectedHeader.alg ?? '', result.protectedHeader.kid ?? '')
    } catch {
      return null
    }
  }

  /** Synchronous for a kid the ring knows (the hot path); a new kid may be a rotation not loaded yet (review S5). */
  private keyFor(kid: string | undefined): CryptoKey | Promise<CryptoKey> {
    const key = this.ring.verifyKeyFor(kid)
    if (key) return key
    return this.ring.verifyKeyForNew(kid).then((k) => {
      if (!k) throw new Error('unknown kid')
      return k
    })
  }
}

/** Checks the claims' shapes beyond what jose knows about (ours are typed; anything else is refused). */
function toVerified(p: JWTPayload, alg: string, kid: string): VerifiedAccess | null {
  const { sub, jti, iat, exp, ver, ep, role, sid, preferred_username: username } = p as Partial<AccessClaims>
  if (typeof sub !== 'string' || !USER_ID.test(sub)) return null
  if (typeof jti !== 'string' || jti.length === 0 || jti.length > 64) return null
  if (typeof iat !== 'number' || typeof exp !== 'number') return null
  if (typeof ver !== 'number' || !Number.isSafeInteger(ver) || ver < 0) return null
  if (typeof ep !== 'number' || !Number.isSafeInteger(ep) || ep < 0) return null
  if (role !== 'user' && role !== 'admin') return null
  if (typeof sid !== 'string' || sid.length === 0 || sid.length > 64) return null
  if (typeof username !== 'string' || username.length === 0 || username.length > 64) return null
  return {
    user: { id: Number(sub), username, role },
    tokenVersion: ver,
    credentialEpoch: ep,
    sid,
    jti,
    iat,
    exp,
    alg,
    kid,
  }
}
