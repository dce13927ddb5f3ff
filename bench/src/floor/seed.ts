import { createHmac, randomBytes } from 'node:crypto'
import { writeFileSync } from 'node:fs'

/**
 * What the floor server is seeded with: N sessions (random ids, as a cookie would carry) and N HS256 tokens signed
 * with one secret. The harness makes them, writes them to a file the server reads at start (FLOOR_SEED), and sends
 * connection i the credentials of user i — the same "every connection a different user" rule as the apps.
 */
export interface FloorSeed {
  /** HMAC-SHA256 key, base64url. */
  secret: string
  users: { id: number; username: string; sid: string; token: string }[]
}

/** Claims as the stateless app puts them (sub, role, iss, aud, iat, exp, jti), so the HMAC input has the same size. */
export function makeFloorSeed(count: number, ttlSec = 3600): FloorSeed {
  const secret = randomBytes(32)
  const now = Math.floor(Date.now() / 1000)
  const users = Array.from({ length: count }, (_, i) => {
    const id = i + 1
    const header = { alg: 'HS256', typ: 'at+jwt', kid: 'floor' }
    const payload = {
      iss: 'auth-lab',
      aud: 'auth-lab-api',
      sub: String(id),
      role: 'user',
      ver: 0,
      iat: now,
      exp: now + ttlSec,
      jti: randomBytes(16).toString('base64url'),
      name: `floor-user-${i}`,
    }
    const input = `${b64(header)}.${b64(payload)}`
    const sig = createHmac('sha256', secret).update(input).digest('base64url')
    return {
      id,
      username: `floor-user-${i}`,
      sid: randomBytes(32).toString('base64url'),
      token: `${input}.${sig}`,
    }
  })
  return { secret: secret.toString('base64url'), users }
}

export function writeFloorSeed(path: string, seed: FloorSeed): void {
  writeFileSync(path, JSON.stringify(seed), { mode: 0o600 })
}

function b64(v: unknown): string {
  return Buffer.from(JSON.stringify(v)).toString('base64url')
}
