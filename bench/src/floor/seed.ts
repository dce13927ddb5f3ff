import type { KeyObject } from 'node:crypto'
import { createHmac, generateKeyPairSync, randomBytes, sign } from 'node:crypto'
import { writeFileSync } from 'node:fs'

/** Asymmetric algorithms the floor can verify raw (node:crypto, synchronous), for the opt-in floor-* variants. */
export const FLOOR_ASYM = ['RS256', 'ES256', 'EdDSA'] as const
export type FloorAsym = (typeof FLOOR_ASYM)[number]

/**
 * What the floor server is seeded with: N sessions (random ids, as a cookie would carry) and N HS256 tokens signed
 * with one secret — and, when asked, N tokens per asymmetric algorithm with the public keys to check them. The
 * harness makes them, writes them to a file the server reads at start (FLOOR_SEED), and sends connection i the
 * credentials of user i — the same "every connection a different user" rule as the apps.
 */
export interface FloorSeed {
  /** HMAC-SHA256 key, base64url. */
  secret: string
  /** SPKI PEM public keys, present when asymmetric tokens were made. */
  publicKeys?: Partial<Record<FloorAsym, string>>
  users: {
    id: number
    username: string
    sid: string
    token: string
    asym?: Partial<Record<FloorAsym, string>>
  }[]
}

/**
 * Claims as the stateless app puts them (iss, aud, sub, role, ver, ep, iat, exp, jti, sid, preferred_username), so the signed input has the same size.
 * `asym` lists the asymmetric algorithms to make tokens for (key generation costs up to a second for RSA).
 */
export function makeFloorSeed(
  count: number,
  opts: { ttlSec?: number; asym?: readonly FloorAsym[] } = {},
): FloorSeed {
  const secret = randomBytes(32)
  const now = Math.floor(Date.now() / 1000)
  const keys = (opts.asym ?? []).map((alg) => [alg, keyPair(alg)] as const)
  const users = Array.from({ length: count }, (_, i) => {
    const id = i + 1
    const payload = {
      iss: 'auth-lab',
      aud: 'auth-lab-api',
      sub: String(id),
      role: 'user',
      ver: 0,
      ep: 0,
      iat: now,
      exp: now + (opts.ttlSec ?? 3600),
      jti: randomBytes(16).toString('base64url'),
      // The stateless app's claim set (sid = refresh family id, preferred_username), so jose parses the same shape.
      sid: randomBytes(16).toString('base64url'),
      preferred_username: `floor-user-${i}`,
    }
    const input = (alg: string) => `${b64({ alg, typ: 'at+jwt', kid: 'floor' })}.${b64(payload)}`
    const hs = input('HS256')
    const token = `${hs}.${createHmac('sha256', secret).update(hs).digest('base64url')}`
    const asym: Partial<Record<FloorAsym, string>> = {}
    for (const [alg, k] of keys) {
      const data = input(alg)
      asym[alg] = `${data}.${signAsym(alg, data, k.privateKey).toString('base64url')}`
    }
    return { id, username: `floor-user-${i}`, sid: randomBytes(32).toString('base64url'), token, asym }
  })
  const publicKeys: Partial<Record<FloorAsym, string>> = {}
  for (const [alg, k] of keys)
    publicKeys[alg] = k.publicKey.export({ type: 'spki', format: 'pem' }).toString()
  return { secret: secret.toString('base64url'), publicKeys, users }
}

function keyPair(alg: FloorAsym): { publicKey: KeyObject; privateKey: KeyObject } {
  if (alg === 'RS256') return generateKeyPairSync('rsa', { modulusLength: 2048 })
  if (alg === 'ES256') return generateKeyPairSync('ec', { namedCurve: 'P-256' })
  return generateKeyPairSync('ed25519')
}

/** JWS signatures: RSASSA-PKCS1-v1_5/SHA-256, ECDSA P-256 in the raw r||s form JWS uses, Ed25519. */
export function signAsym(alg: FloorAsym, data: string, key: KeyObject): Buffer {
  if (alg === 'EdDSA') return sign(null, Buffer.from(data), key)
  if (alg === 'ES256') return sign('sha256', Buffer.from(data), { key, dsaEncoding: 'ieee-p1363' })
  return sign('sha256', Buffer.from(data), key)
}

export function writeFloorSeed(path: string, seed: FloorSeed): void {
  writeFileSync(path, JSON.stringify(seed), { mode: 0o600 })
}

function b64(v: unknown): string {
  return Buffer.from(JSON.stringify(v)).toString('base64url')
}
