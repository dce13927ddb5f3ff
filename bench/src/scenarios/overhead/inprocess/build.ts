/**
 * Builds one group of the overhead experiment inside the in-process worker: the real app through `createApp(deps)`
 * (the variant's env read by the app's own `readConfig`, its real stores and keys on a temp DB) with N seeded users
 * each logged in through the app itself — or the floor app with its seed. Returns a `fetch` and, per target, the
 * header set of every user, so request i carries user i mod N: no hot token, no hot session row.
 */
import { join } from 'node:path'
import { Metrics, openDatabase, openRedis, REDIS_DEFAULTS } from '@auth-lab/shared'
import * as stateful from '@auth-lab/stateful'
import * as stateless from '@auth-lab/stateless'
import { createFloorApp } from '../../../floor/app.js'
import { seedFloorRedis } from '../../../floor/redis-route.js'
import { FLOOR_ASYM, makeFloorSeed } from '../../../floor/seed.js'
import { BENCH_METRICS_TOKEN } from '../../../lib/metrics-scrape.js'
import { BENCH_PASSWORD, seedUsers } from '../../../lib/users.js'
import type { GroupSpec } from '../variants.js'

export interface BuiltTarget {
  id: string
  path: string
  /** One header set per user; /public gets the same sets so both build identical Request objects. */
  headers: Record<string, string>[]
}

export interface BuiltGroup {
  fetch: (req: Request) => Response | Promise<Response>
  targets: BuiltTarget[]
  close(): void
}

/** The id the in-process layer gives a group's /public baseline. */
export const publicId = (group: string) => `${group}:public`

export async function buildGroup(spec: GroupSpec, users: number, dir: string): Promise<BuiltGroup> {
  if (spec.kind === 'floor') return buildFloor(spec, users, dir)
  const dbPath = join(dir, 'auth-lab.db')
  const names = await seedUsers(dbPath, { count: users, prefix: 'bench-user-' })
  const env = {
    DB_PATH: dbPath,
    INSTANCE_ID: `inprocess-${spec.id}`,
    LOG_REQUESTS: '0',
    METRICS_TOKEN: BENCH_METRICS_TOKEN,
    ARGON2_MEMORY_KIB: '256',
    ARGON2_TIME_COST: '1',
    ...spec.env,
  }
  const opened =
    spec.kind === 'stateful'
      ? await stateful.openDeps(stateful.readConfig(env))
      : await stateless.openDeps(stateless.readConfig(env))
  const app =
    spec.kind === 'stateful'
      ? stateful.createApp(opened as stateful.OpenedDeps)
      : stateless.createApp(opened as stateless.OpenedDeps)
  const headers: Record<string, string>[] = []
  for (const username of names) {
    const res = await app.request('/auth/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password: BENCH_PASSWORD }),
    })
    if (res.status !== 200) throw new Error(`${spec.id}: login of ${username} answered ${res.status}`)
    if (spec.kind === 'stateful') {
      const sid = res.headers
        .getSetCookie()
        .map((c) => c.split(';')[0]!)
        .findLast((c) => /^(__Host-)?sid=./.test(c))
      if (!sid) throw new Error(`${spec.id}: login set no session cookie`)
      headers.push({ cookie: await withSnapshot(app, spec, sid) })
    } else {
      const body = (await res.json()) as { access_token?: string }
      if (!body.access_token) throw new Error(`${spec.id}: login returned no access token`)
      headers.push({ authorization: `Bearer ${body.access_token}` })
    }
  }
  return {
    fetch: (req) => app.fetch(req),
    targets: [
      { id: publicId(spec.id), path: '/public', headers },
      ...spec.targets.map((t) => ({ id: t.id, path: t.path, headers })),
    ],
    close: () => opened.close(),
  }
}

/**
 * With a session cookie cache, the first /me after login sets the snapshot a browser would then send (as the HTTP
 * layer's `meAndKeep` does): without it every measured request would be a cache miss that re-signs a snapshot.
 */
async function withSnapshot(
  app: { request: (path: string, init: RequestInit) => Response | Promise<Response> },
  spec: GroupSpec,
  sid: string,
): Promise<string> {
  if (spec.env.SESSION_COOKIE_CACHE === undefined) return sid
  const res = await app.request('/me', { headers: { cookie: sid } })
  if (res.status !== 200) throw new Error(`${spec.id}: first /me answered ${res.status}`)
  const snap = res.headers
    .getSetCookie()
    .map((c) => c.split(';')[0]!)
    .findLast((c) => /^(__Host-)?sid_cache=./.test(c))
  if (!snap) throw new Error(`${spec.id}: first /me set no snapshot cookie`)
  return `${sid}; ${snap}`
}

async function buildFloor(spec: GroupSpec, users: number, dir: string): Promise<BuiltGroup> {
  const asym = FLOOR_ASYM.filter((alg) => spec.targets.some((t) => t.credential === alg))
  const seed = makeFloorSeed(users, { asym })
  const db = openDatabase(join(dir, 'floor.db'))
  // floor-redis: the harness put REDIS_URL in the spec's env (redis-run.ts withRedis).
  const url = spec.env.REDIS_URL
  const redis = url
    ? await openRedis({ url, prefix: spec.env.REDIS_PREFIX ?? REDIS_DEFAULTS.prefix, clientCache: false })
    : undefined
  if (redis) await seedFloorRedis(redis, seed)
  const app = createFloorApp({
    db,
    metrics: new Metrics('floor'),
    seed,
    instanceId: 'inprocess-floor',
    redis,
  })
  const targets = spec.targets.map(
    (t): BuiltTarget => ({
      id: t.id,
      path: t.path,
      headers: seed.users.map(
        (u): Record<string, string> =>
          t.credential === 'cookie'
            ? { cookie: `sid=${u.sid}` }
            : { authorization: `Bearer ${t.credential === 'bearer' ? u.token : u.asym?.[t.credential]}` },
      ),
    }),
  )
  // /public carries the headers of the first target, so its Request costs what a target's does.
  return {
    fetch: (req) => app.fetch(req),
    targets: [{ id: publicId(spec.id), path: '/public', headers: targets[0]?.headers ?? [{}] }, ...targets],
    close: () => {
      void redis?.close()
      db.close()
    },
  }
}
