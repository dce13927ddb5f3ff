/**
 * Library floors: the auth libraries the apps use, called directly with their minimal setup and nothing of ours
 * around them. "Our code" of a variant = the variant's added cost − its library floor's.
 *   /floor/jose               jose.jwtVerify, HS256, key pre-imported as a CryptoKey and passed through a resolver
 *                             function (as the app does), the app's verify options (iss, aud, typ at+jwt, required
 *                             claims, maxTokenAge, clockTolerance, pinned algorithm), a token of the app's shape
 *   /floor/jose-rs256 …       the same for RS256 / ES256 / EdDSA (when the seed carries public keys)
 *   /floor/hs-memory          hono-sessions' documented minimal setup: `sessionMiddleware({ store: new MemoryStore() })`,
 *                             no encryption key (the app uses none either), autoExtendExpiration off as in the app
 *   /floor/hs-sqlite          the same over a minimal hono-sessions `Store` on the floor's SQLite session table (the
 *                             README's custom-store pattern: getSessionById = SHA-256 + the prepared JOIN)
 */
import { createHash } from 'node:crypto'
import type { Metrics } from '@auth-lab/shared'
import type { Hono } from 'hono'
import type { Session, SessionData, Store } from 'hono-sessions'
import { MemoryStore, sessionMiddleware } from 'hono-sessions'
import { importSPKI, jwtVerify } from 'jose'
import type { FloorAsym, FloorSeed } from './seed.js'
import { FLOOR_ASYM } from './seed.js'

/** The stateless app's verify options in the overhead experiment (its DEFAULTS with ACCESS_TTL=3600). */
export const FLOOR_JOSE_OPTIONS = {
  issuer: 'auth-lab',
  audience: 'auth-lab-api',
  typ: 'at+jwt',
  requiredClaims: ['exp', 'iat', 'sub', 'jti'],
  maxTokenAge: 3600,
  clockTolerance: 5,
}

type Lookup = { get(idHash: string, now: number): { id: number; username: string } | undefined }
type SessionEnv = { Variables: { session: Session<{ uid: number; username: string }> } }

const unauthenticated = { error: 'unauthenticated', message: 'no valid credential' }
const body = (id: number, username: string, mechanism: string) => ({
  user: { id, username, role: 'user' },
  auth: { mechanism, expires_at: null },
})

export function installLibraryFloors(
  app: Hono,
  deps: { seed: FloorSeed; lookup: Lookup; metrics: Metrics },
): void {
  const hsKey = crypto.subtle.importKey(
    'raw',
    Buffer.from(deps.seed.secret, 'base64url'),
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    ['verify'],
  )
  // Import failures surface on the first request (as a 500 the harness counts as invalid), never at module load.
  hsKey.catch(() => undefined)
  app.get('/floor/jose', joseRoute('HS256', hsKey))
  for (const alg of FLOOR_ASYM) {
    const pem = deps.seed.publicKeys?.[alg]
    if (!pem) continue
    const key = importSPKI(pem, alg)
    key.catch(() => undefined)
    app.get(`/floor/jose-${alg.toLowerCase()}`, joseRoute(alg, key))
  }

  const memory = new MemoryStore()
  for (const u of deps.seed.users) {
    memory.createSession(u.sid, {
      _data: { uid: { value: u.id, flash: false }, username: { value: u.username, flash: false } },
      _expire: null,
      _delete: false,
      _accessed: null,
    })
  }
  const hs = (store: Store) =>
    sessionMiddleware({ store, sessionCookieName: 'sid', autoExtendExpiration: false })
  const handler = (mechanism: string) => (c: import('hono').Context<SessionEnv>) => {
    const s = c.get('session')
    const uid = s.get('uid')
    return uid ? c.json(body(uid, s.get('username') ?? '', mechanism)) : c.json(unauthenticated, 401)
  }
  const sub = app as unknown as Hono<SessionEnv>
  sub.get('/floor/hs-memory', hs(memory), handler('floor-hs-memory'))
  sub.get('/floor/hs-sqlite', hs(new SqliteFloorStore(deps.lookup, deps.metrics)), handler('floor-hs-sqlite'))
}

function joseRoute(alg: 'HS256' | FloorAsym, key: Promise<CryptoKey>) {
  const options = { ...FLOOR_JOSE_OPTIONS, algorithms: [alg] }
  return async (c: import('hono').Context) => {
    const auth = c.req.header('authorization')
    if (!auth?.startsWith('Bearer ')) return c.json(unauthenticated, 401)
    const k = await key
    try {
      const { payload } = await jwtVerify(auth.slice(7), () => k, options)
      return c.json(body(Number(payload.sub), String(payload.preferred_username), `floor-jose-${alg}`))
    } catch {
      return c.json(unauthenticated, 401)
    }
  }
}

/** A read-only hono-sessions Store over the floor's session table: the least a SQLite-backed store must do. */
class SqliteFloorStore implements Store {
  constructor(
    private readonly lookup: Lookup,
    private readonly metrics: Metrics,
  ) {}

  getSessionById(id?: string): SessionData | null {
    if (!id) return null
    this.metrics.store.read('floor_sessions')
    const row = this.lookup.get(createHash('sha256').update(id).digest('hex'), Date.now())
    if (!row) return null
    return {
      _data: { uid: { value: row.id, flash: false }, username: { value: row.username, flash: false } },
      _expire: null,
      _delete: false,
      _accessed: null,
    }
  }

  // The benchmark only reads; hono-sessions calls these for new (anonymous) sessions, which the floor never stores.
  createSession(): void {}
  persistSessionData(): void {}
  deleteSession(): void {}
}
