import { dirname, join } from 'node:path'
import type { FloorAsym } from '../../floor/seed.js'
import { FLOOR_ASYM, makeFloorSeed, writeFloorSeed } from '../../floor/seed.js'
import { authHeaders, credentialBytes, loginUsers, mapLimit, meAndKeep } from '../../lib/client.js'
import { type AppConfig, CONFIGS, type ConfigId, pickApp } from '../../lib/configs.js'
import type { ServerHandle, ServerKind } from '../../lib/processes.js'
import { removeTempDb, startServer, tempDbPath } from '../../lib/processes.js'
import { seedUsers } from '../../lib/users.js'
import type { InvalidEntry } from '../../report/schema.js'

/** One measured target: a route on a server, with the header set each connection sends. */
export interface Target {
  /** Variant id as used by --variants and in the report (stateful-sqlite, floor-hmac, …). */
  id: string
  label: string
  path: string
  /** Per-connection headers (each a different user); empty for the baseline. */
  credentials: Record<string, string>[]
  /** Median bytes of credential header per request. */
  credentialBytes: number
}

/** How one server of the experiment is configured. */
export interface GroupSpec {
  /** Server id (same as the variant id for app servers; `floor` for the floor server). */
  id: string
  kind: ServerKind
  env: Record<string, string>
  /** What the variant is, for the report's table. */
  description: string
  /** Target variant ids served by this server, besides the /public baseline. */
  targets: {
    id: string
    label: string
    path: string
    /** Which credential connection i sends: the session cookie, the HS256 token, or an asymmetric floor token. */
    credential: 'cookie' | 'bearer' | FloorAsym
    /** Opt-in: measured only when named in --variants (keeps the default run under 8 minutes). */
    optional?: boolean
  }[]
}

/** A started server with its baseline and targets ready to load. */
export interface Group {
  spec: GroupSpec
  server: ServerHandle
  baseline: Target
  targets: Target[]
}

// Long access tokens so that no token expires during a run.
const STATELESS = { ACCESS_TTL: '3600' }
// Likewise a session snapshot that outlives the run (the load generator sends fixed cookies and never picks up a
// refreshed one): the idle timeout is raised so the snapshot may live an hour (it is capped at idle / 2).
const COOKIE_CACHE_RUN = { SESSION_IDLE_TTL: '7200', SESSION_COOKIE_CACHE: '3600' }

/** The app variants, from the catalogue (lib/configs.ts); algorithm variants run with REVOCATION=none there. */
const APP_VARIANTS: readonly ConfigId[] = [
  'stateful-memory',
  'stateful-sqlite',
  'stateless-hs256-none',
  'stateless-hs256-denylist',
  'stateless-hs256-version',
  'stateless-rs256',
  'stateless-es256',
  'stateless-eddsa',
  'stateless-jwe',
  // Issue 11 items 7–8: the verified-token cache and the session cookie cache.
  'stateless-hs256-none-cached',
  'stateless-es256-none-cached',
  'stateless-hs256-denylist-cached',
  'stateful-sqlite-cookie-cache',
  // Issue 12 item 6: state in Redis (the harness adds REDIS_URL; see redis-run.ts).
  'stateful-redis',
  'stateful-redis-cached',
  'stateless-hs256-denylist-redis',
  'stateless-hs256-denylist-redis-cached',
]

export const GROUPS: GroupSpec[] = [
  ...APP_VARIANTS.map((id) => app(pickApp(id))),
  {
    id: 'floor',
    kind: 'floor',
    env: { ...CONFIGS.floor.env },
    description: CONFIGS.floor.description,
    targets: [
      { id: 'floor-map', label: 'raw Map lookup (cookie)', path: '/floor/map', credential: 'cookie' },
      {
        id: 'floor-sqlite',
        label: 'raw SHA-256 + prepared SQLite JOIN (cookie)',
        path: '/floor/sqlite',
        credential: 'cookie',
      },
      {
        id: 'floor-hmac',
        label: 'raw node:crypto HMAC-SHA256 verify (Bearer)',
        path: '/floor/hmac',
        credential: 'bearer',
      },
      {
        id: 'floor-redis',
        label: 'raw SHA-256 + one Redis GET over loopback, node-redis (cookie)',
        path: '/floor/redis',
        credential: 'cookie',
      },
      // Library floors (floor/library-routes.ts): the auth library alone, its minimal setup, none of our code.
      {
        id: 'floor-jose',
        label: 'raw jose.jwtVerify HS256 (Bearer)',
        path: '/floor/jose',
        credential: 'bearer',
      },
      {
        id: 'floor-hs-memory',
        label: 'raw hono-sessions, MemoryStore (cookie)',
        path: '/floor/hs-memory',
        credential: 'cookie',
      },
      {
        id: 'floor-hs-sqlite',
        label: 'raw hono-sessions, minimal Store over the SQLite table (cookie)',
        path: '/floor/hs-sqlite',
        credential: 'cookie',
      },
      ...FLOOR_ASYM.map((alg) => ({
        id: `floor-jose-${alg.toLowerCase()}`,
        label: `raw jose.jwtVerify ${alg} (Bearer; opt-in)`,
        path: `/floor/jose-${alg.toLowerCase()}`,
        credential: alg,
        optional: true,
      })),
      ...FLOOR_ASYM.map((alg) => ({
        id: `floor-${alg.toLowerCase()}`,
        label: `raw node:crypto ${alg} verify (Bearer; opt-in)`,
        path: `/floor/${alg.toLowerCase()}`,
        credential: alg,
        optional: true,
      })),
    ],
  },
]

function app(c: AppConfig): GroupSpec {
  return {
    id: c.id,
    kind: c.kind,
    env:
      c.kind === 'stateless'
        ? { ...STATELESS, ...c.env }
        : 'SESSION_COOKIE_CACHE' in c.env
          ? { ...c.env, ...COOKIE_CACHE_RUN }
          : { ...c.env },
    description: c.description,
    targets: [
      { id: c.id, label: 'GET /me', path: '/me', credential: c.kind === 'stateful' ? 'cookie' : 'bearer' },
    ],
  }
}

/** Every variant id --variants accepts. */
export const VARIANT_IDS = GROUPS.flatMap((g) => g.targets.map((t) => t.id))

/** The groups to run for a --variants list (all when undefined); unknown ids are an error. */
export function selectGroups(variants: string[] | undefined): GroupSpec[] {
  if (!variants) {
    return GROUPS.map((g) => ({ ...g, targets: g.targets.filter((t) => !t.optional) }))
  }
  const unknown = variants.filter((v) => !VARIANT_IDS.includes(v))
  if (unknown.length > 0)
    throw new Error(`unknown overhead variant(s): ${unknown.join(', ')} (known: ${VARIANT_IDS.join(', ')})`)
  return GROUPS.map((g) => ({ ...g, targets: g.targets.filter((t) => variants.includes(t.id)) })).filter(
    (g) => g.targets.length > 0,
  )
}

function medianBytes(creds: Record<string, string>[]): number {
  const b = creds.map(credentialBytes).sort((x, y) => x - y)
  return b[Math.floor(b.length / 2)] ?? 0
}

/**
 * Starts one server on a fresh temp DB, seeds `users` users and logs each in (apps) or writes the floor's seed
 * file, and returns the loadable targets. Every connection later gets a different user's credential. The group's
 * owner removes the DB directory after stopping the server (`removeTempDb(group.server.dbPath)`); when the setup
 * fails it is removed here.
 */
export async function setupGroup(spec: GroupSpec, users: number, cpu: number | null): Promise<Group> {
  const dbPath = tempDbPath(`auth-lab-overhead-${spec.id}-`)
  let server: ServerHandle | undefined
  try {
    return await startGroup(spec, users, cpu, dbPath, (s) => {
      server = s
    })
  } catch (err) {
    await server?.stop()
    removeTempDb(dbPath)
    throw err
  }
}

async function startGroup(
  spec: GroupSpec,
  users: number,
  cpu: number | null,
  dbPath: string,
  started: (server: ServerHandle) => void,
): Promise<Group> {
  const baselineTarget = (): Target => ({
    id: `${spec.id}:public`,
    label: 'GET /public',
    path: '/public',
    credentials: [],
    credentialBytes: 0,
  })
  if (spec.kind === 'floor') {
    const asym = FLOOR_ASYM.filter((alg) => spec.targets.some((t) => t.credential === alg))
    const seed = makeFloorSeed(users, { asym })
    const seedPath = join(dirname(dbPath), 'floor-seed.json')
    writeFloorSeed(seedPath, seed)
    const server = await startServer({
      kind: 'floor',
      dbPath,
      // spec.env carries REDIS_URL / REDIS_PREFIX when floor-redis is measured (redis-run.ts withRedis).
      env: { ...spec.env, FLOOR_SEED: seedPath },
      cpu,
      label: spec.id,
    })
    started(server)
    const targets = spec.targets.map((t): Target => {
      const credentials = seed.users.map(
        (u): Record<string, string> =>
          t.credential === 'cookie'
            ? { cookie: `sid=${u.sid}` }
            : { authorization: `Bearer ${t.credential === 'bearer' ? u.token : u.asym?.[t.credential]}` },
      )
      return toTarget(t, credentials)
    })
    return { spec, server, baseline: baselineTarget(), targets }
  }
  const names = await seedUsers(dbPath, { count: users, prefix: 'bench-user-' })
  const server = await startServer({ kind: spec.kind, dbPath, env: spec.env, cpu, label: spec.id })
  started(server)
  let creds = await loginUsers(server.url, spec.kind, names)
  // With a session cookie cache, the first /me after login sets the snapshot a browser would then send.
  if (spec.env.SESSION_COOKIE_CACHE !== undefined)
    creds = await mapLimit(creds, 8, async (c) => (await meAndKeep(server.url, c)).cred)
  const credentials = creds.map((c) => authHeaders(c))
  const targets = spec.targets.map((t) => toTarget(t, credentials))
  return { spec, server, baseline: baselineTarget(), targets }
}

/** A load target: the spec's path with the credentials its requests carry (one per user). */
function toTarget(t: GroupSpec['targets'][number], credentials: Record<string, string>[]): Target {
  return { id: t.id, label: t.label, path: t.path, credentials, credentialBytes: medianBytes(credentials) }
}

/**
 * Starts every group's server, three at a time (tsx transpiles each app on start, which is CPU-bound on a 2-core
 * machine). A group that fails to start makes its variants invalid; the others go on.
 */
export async function setupGroups(
  specs: readonly GroupSpec[],
  users: number,
  cpu: number | null,
  log: (line: string) => void,
): Promise<{ groups: Group[]; invalid: InvalidEntry[] }> {
  const settled = await mapLimit(specs, 3, (spec) =>
    setupGroup(spec, users, cpu).then(
      (group) => ({ group }),
      (err: unknown) => ({ err }),
    ),
  )
  const groups: Group[] = []
  const invalid: InvalidEntry[] = []
  for (const [i, r] of settled.entries()) {
    if ('group' in r) {
      groups.push(r.group)
      continue
    }
    const spec = specs[i]!
    const reason = `setup failed: ${r.err instanceof Error ? r.err.message.split('\n')[0] : String(r.err)}`
    for (const t of spec.targets) invalid.push({ variant: t.id, reason })
    log(`${spec.id}: ${reason}`)
  }
  return { groups, invalid }
}
