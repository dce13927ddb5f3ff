import type { KeyObject } from 'node:crypto'
import { createHash, createHmac, createPublicKey, timingSafeEqual, verify } from 'node:crypto'
import type { Db, Metrics, RedisHandle } from '@auth-lab/shared'
import { installCommon } from '@auth-lab/shared'
import { Hono } from 'hono'
import { getCookie } from 'hono/cookie'
import { installLibraryFloors } from './library-routes.js'
import { installRedisFloor } from './redis-route.js'
import type { FloorAsym, FloorSeed } from './seed.js'
import { FLOOR_ASYM } from './seed.js'

/**
 * The floor server: the apps' stack (Hono on @hono/node-server, the shared common middleware — security headers,
 * request metrics, /health, /metrics) with the auth step reduced to its raw mechanism and no library:
 *   /public         no auth: the framework floor, as in the apps
 *   /floor/map      cookie → Map.get                 (what an in-memory session store must at least do)
 *   /floor/sqlite   cookie → SHA-256 → prepared JOIN (what the SQLite session store must at least do)
 *   /floor/hmac     Bearer → HMAC-SHA256 verify + JSON.parse + exp check, synchronous node:crypto (what HS256 must
 *                   at least do)
 *   /floor/redis    cookie → SHA-256 → one Redis GET (only with `redis`: redis-route.ts)
 *   /floor/rs256, /floor/es256, /floor/eddsa   the same with a synchronous node:crypto signature check (only when
 *                   the seed carries public keys: opt-in variants)
 * and the library floors of library-routes.ts (raw jose, raw hono-sessions).
 * Subtracting these from the app variants splits each variant's cost into framework, mechanism, library and our code.
 */
export interface FloorDeps {
  db: Db
  metrics: Metrics
  seed: FloorSeed
  instanceId: string
  /** /metrics answers only `Authorization: Bearer <it>`, as in the apps. */
  metricsToken?: string
  /** The bench's Redis, seeded by `seedFloorRedis`: adds /floor/redis. */
  redis?: RedisHandle
}

interface FloorUser {
  id: number
  username: string
  role: 'user'
}

export function createFloorApp(deps: FloorDeps): Hono {
  const app = new Hono()
  installCommon(app, {
    app: 'floor',
    instanceId: deps.instanceId,
    metrics: deps.metrics,
    logRequests: false,
    metricsToken: deps.metricsToken,
  })

  const bySid = new Map<string, FloorUser>()
  for (const u of deps.seed.users) bySid.set(u.sid, { id: u.id, username: u.username, role: 'user' })
  const lookup = prepareSqlite(deps.db, deps.seed)
  const secret = Buffer.from(deps.seed.secret, 'base64url')
  const store = deps.metrics.store

  const body = (user: FloorUser, mechanism: string) => ({ user, auth: { mechanism, expires_at: null } })
  const unauthenticated = { error: 'unauthenticated', message: 'no valid credential' }

  app.get('/public', (c) => c.json(body({ id: 0, username: 'public-user', role: 'user' }, 'none')))

  app.get('/floor/map', (c) => {
    const sid = getCookie(c, 'sid')
    store.read('floor_sessions')
    const user = sid ? bySid.get(sid) : undefined
    return user ? c.json(body(user, 'floor-map')) : c.json(unauthenticated, 401)
  })

  app.get('/floor/sqlite', (c) => {
    const sid = getCookie(c, 'sid')
    if (!sid) return c.json(unauthenticated, 401)
    store.read('floor_sessions')
    const row = lookup.get(createHash('sha256').update(sid).digest('hex'), Date.now())
    return row
      ? c.json(body({ id: row.id, username: row.username, role: 'user' }, 'floor-sqlite'))
      : c.json(unauthenticated, 401)
  })

  app.get('/floor/hmac', (c) => {
    const auth = c.req.header('authorization')
    const claims = auth?.startsWith('Bearer ') ? verifyHs256(auth.slice(7), secret) : null
    if (!claims) return c.json(unauthenticated, 401)
    return c.json(
      body(
        { id: Number(claims.sub), username: String(claims.preferred_username), role: 'user' },
        'floor-hmac',
      ),
    )
  })

  for (const alg of FLOOR_ASYM) {
    const pem = deps.seed.publicKeys?.[alg]
    if (!pem) continue
    const key = createPublicKey(pem)
    app.get(`/floor/${alg.toLowerCase()}`, (c) => {
      const auth = c.req.header('authorization')
      const claims = auth?.startsWith('Bearer ') ? verifyAsym(alg, auth.slice(7), key) : null
      if (!claims) return c.json(unauthenticated, 401)
      return c.json(
        body(
          { id: Number(claims.sub), username: String(claims.preferred_username), role: 'user' },
          `floor-${alg}`,
        ),
      )
    })
  }

  installLibraryFloors(app, { seed: deps.seed, lookup, metrics: deps.metrics })
  if (deps.redis) installRedisFloor(app, { redis: deps.redis, metrics: deps.metrics })
  return app
}

/** A minimal synchronous JWS check with node:crypto: signature, then exp. Returns the claims or null. */
export function verifyAsym(alg: FloorAsym, token: string, key: KeyObject): Record<string, unknown> | null {
  const parts = token.split('.')
  if (parts.length !== 3) return null
  const data = Buffer.from(`${parts[0]}.${parts[1]}`)
  const sig = Buffer.from(parts[2]!, 'base64url')
  const ok =
    alg === 'EdDSA'
      ? verify(null, data, key, sig)
      : alg === 'ES256'
        ? verify('sha256', data, { key, dsaEncoding: 'ieee-p1363' }, sig)
        : verify('sha256', data, key, sig)
  return ok ? claimsIfLive(parts[1]!) : null
}

function claimsIfLive(payload: string): Record<string, unknown> | null {
  try {
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>
    if (typeof claims.exp !== 'number' || claims.exp <= Date.now() / 1000) return null
    return claims
  } catch {
    return null
  }
}

function prepareSqlite(db: Db, seed: FloorSeed) {
  db.exec(`
    CREATE TABLE IF NOT EXISTS floor_users (id INTEGER PRIMARY KEY, username TEXT NOT NULL, role TEXT NOT NULL);
    CREATE TABLE IF NOT EXISTS floor_sessions (
      id_hash TEXT PRIMARY KEY, user_id INTEGER NOT NULL REFERENCES floor_users(id), expires_at INTEGER NOT NULL
    );`)
  const insUser = db.prepare('INSERT OR REPLACE INTO floor_users (id, username, role) VALUES (?, ?, ?)')
  const insSess = db.prepare(
    'INSERT OR REPLACE INTO floor_sessions (id_hash, user_id, expires_at) VALUES (?, ?, ?)',
  )
  const expires = Date.now() + 24 * 3600 * 1000
  db.transaction(() => {
    for (const u of seed.users) {
      insUser.run(u.id, u.username, 'user')
      insSess.run(createHash('sha256').update(u.sid).digest('hex'), u.id, expires)
    }
  })()
  return db.prepare<[string, number], { id: number; username: string }>(
    `SELECT u.id, u.username FROM floor_sessions s JOIN floor_users u ON u.id = s.user_id
     WHERE s.id_hash = ? AND s.expires_at > ?`,
  )
}

/** A minimal synchronous HS256 check: signature (constant time), then exp. Returns the claims or null. */
export function verifyHs256(token: string, secret: Buffer): Record<string, unknown> | null {
  const parts = token.split('.')
  if (parts.length !== 3) return null
  const expected = createHmac('sha256', secret).update(`${parts[0]}.${parts[1]}`).digest()
  const given = Buffer.from(parts[2]!, 'base64url')
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null
  return claimsIfLive(parts[1]!)
}
