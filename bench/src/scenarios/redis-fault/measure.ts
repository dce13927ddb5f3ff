/**
 * Redis fault run (issue 12 item 6, "faults, not logouts"): per app, one instance on a bench-owned redis-server
 * started with AOF (`appendfsync everysec`), U users logged in, a steady /me load; mid-load Redis is SIGKILLed,
 * left down for `outageSec`, then restarted on the same port and dir (the AOF replays). Measured:
 * - during the outage: every status the load saw (503 `store_unavailable` expected; 401 and 500 must be 0) and one
 *   probe's body code and Retry-After;
 * - recovery: ms from redis-server accepting connections again to the first 200 on /me (a probe every 20 ms);
 * - sessions lost: after the load, users whose credential no longer works (stateful: /me; stateless: the refresh
 *   family, POST /auth/refresh) — 0 expected, since every login committed > 1 s before the kill.
 */
import { rmSync } from 'node:fs'
import { dirname } from 'node:path'
import type { Credential } from '../../lib/client.js'
import { authHeaders, loginUsers, mapLimit, meStatus, refresh } from '../../lib/client.js'
import type { AppConfig, ConfigId } from '../../lib/configs.js'
import { pickApp } from '../../lib/configs.js'
import type { LoadGenerator } from '../../lib/load.js'
import type { TimeBucket } from '../../lib/load-types.js'
import type { ServerHandle } from '../../lib/processes.js'
import { sleep, startServer, tempDbPath } from '../../lib/processes.js'
import { redisEnv, startBenchRedis } from '../../lib/redis.js'
import { seedUsers } from '../../lib/users.js'
import type { RunOptions } from '../../report/schema.js'

export const FAULT_CONFIGS: readonly ConfigId[] = ['stateful-redis', 'stateless-hs256-denylist-redis']

export interface FaultSizes {
  users: number
  connections: number
  /** Seconds of load before the kill, Redis down, and load after the restart. */
  beforeSec: number
  outageSec: number
  afterSec: number
}

export function faultSizes(o: Pick<RunOptions, 'quick'>): FaultSizes {
  return o.quick
    ? { users: 12, connections: 6, beforeSec: 0.5, outageSec: 1.5, afterSec: 1.5 }
    : { users: 30, connections: 15, beforeSec: 1, outageSec: 5, afterSec: 3 }
}

/** Per app: start (~1 s from the bundle) and its redis-server, logins, the 1.2 s AOF wait, the load. */
export const faultEstimateSec = (s: FaultSizes) =>
  FAULT_CONFIGS.length * (3.5 + s.beforeSec + s.outageSec + s.afterSec)

export interface FaultRun {
  config: ConfigId
  users: number
  statusCounts: Record<string, number>
  responses: number
  errors: number
  /**
   * Responses in the 100 ms buckets wholly between the kill and the first 200 after the restart, and how many of
   * them were 503 (both over the same window).
   */
  outageResponses: number
  outage503: number
  /** One probe during the outage: status, body `error`, Retry-After. */
  probe: { status: number | 'error'; code: string | null; retryAfter: string | null }
  /** ms from redis-server ready again to the first 200 on /me (null: not within the load). */
  recoverMs: number | null
  /** Users whose credential failed after the restart. */
  lost: number
  series: { bucketMs: number; buckets: TimeBucket[]; killAt: number; restartAt: number }
}

async function probe(url: string, cred: Credential): Promise<FaultRun['probe']> {
  try {
    const res = await fetch(`${url}/me`, { headers: authHeaders(cred), signal: AbortSignal.timeout(3000) })
    const body = (await res.json().catch(() => ({}))) as { error?: unknown }
    return {
      status: res.status,
      code: typeof body.error === 'string' ? body.error : null,
      retryAfter: res.headers.get('retry-after'),
    }
  } catch {
    return { status: 'error', code: null, retryAfter: null }
  }
}

async function stillLoggedIn(cfg: AppConfig, url: string, cred: Credential): Promise<boolean> {
  if (cfg.kind === 'stateful') return (await meStatus(url, cred)) === 200
  return (await refresh(url, cred)).outcome === 200
}

async function oneApp(id: ConfigId, s: FaultSizes, gen: LoadGenerator, progress?: (l: string) => void) {
  const cfg = pickApp(id)
  const redis = await startBenchRedis({ appendonly: true })
  const dbPath = tempDbPath('auth-lab-redis-fault-')
  let server: ServerHandle | undefined
  try {
    const names = await seedUsers(dbPath, { count: s.users, prefix: 'rf-' })
    progress?.(`redis-fault: ${id}: starting one instance on Redis (AOF everysec)`)
    server = await startServer({
      kind: cfg.kind,
      env: {
        ...cfg.env,
        ...(cfg.kind === 'stateless' ? { ACCESS_TTL: '600' } : {}),
        ...redisEnv(redis.url, 'bench-fault'),
      },
      dbPath,
      label: `fault-${id}`,
      healthTimeoutMs: 60_000,
    })
    const url = server.url
    const creds = await loginUsers(url, cfg.kind, names)
    await sleep(1200) // appendfsync everysec: every login is on disk before the crash
    const total = s.beforeSec + s.outageSec + s.afterSec
    progress?.(`redis-fault: ${id}: ${total}s of load, Redis SIGKILLed for ${s.outageSec}s`)
    const loadDone = gen.run({
      url: `${url}/me`,
      connections: s.connections,
      durationSec: total,
      credentials: creds.map((c) => authHeaders(c)),
      timeSeries: true,
      bucketMs: 100,
      timeoutSec: 5,
    })
    await sleep(s.beforeSec * 1000)
    await redis.kill()
    const killAt = Date.now()
    await sleep(Math.min(500, (s.outageSec * 1000) / 2))
    const p = await probe(url, creds[0] as Credential)
    await sleep(Math.max(0, killAt + s.outageSec * 1000 - Date.now()))
    await redis.restart()
    const restartAt = Date.now()
    let recoverMs: number | null = null
    while (Date.now() - restartAt < s.afterSec * 1000) {
      if ((await meStatus(url, creds[0] as Credential, 1000)) === 200) {
        recoverMs = Date.now() - restartAt
        break
      }
      await sleep(20)
    }
    const load = await loadDone
    const started = load.timeSeries?.startedAt ?? killAt
    const buckets = load.timeSeries?.buckets ?? []
    const from = killAt - started
    const to = restartAt + (recoverMs ?? s.afterSec * 1000) - started
    // Both counts over the same window: the 100 ms buckets wholly between the kill and the first 200 again (a
    // bucket straddling either edge mixes in 200s from before the kill or after recovery; review E5).
    const inOutage = buckets.filter((b) => b.t >= from && b.t + 100 <= to)
    const outageResponses = inOutage.reduce((n, b) => n + b.ok + b.unauthorized + b.otherNon2xx, 0)
    const outage503 = inOutage.reduce((n, b) => n + b.otherNon2xx, 0)
    const lost = (await mapLimit(creds, 8, (c) => stillLoggedIn(cfg, url, c))).filter((ok) => !ok).length
    return {
      config: id,
      users: creds.length,
      statusCounts: load.statusCounts,
      responses: load.responses,
      errors: load.errors,
      outageResponses,
      outage503,
      probe: p,
      recoverMs,
      lost,
      series: { bucketMs: 100, buckets, killAt: killAt - started, restartAt: restartAt - started },
    } satisfies FaultRun
  } finally {
    await server?.stop('SIGKILL')
    await redis.stop()
    rmSync(dirname(dbPath), { recursive: true, force: true })
  }
}

export async function measureRedisFault(
  s: FaultSizes,
  gen: LoadGenerator,
  progress?: (line: string) => void,
  configs: readonly ConfigId[] = FAULT_CONFIGS,
): Promise<FaultRun[]> {
  const out: FaultRun[] = []
  for (const id of configs) out.push(await oneApp(id, s, gen, progress))
  return out
}
