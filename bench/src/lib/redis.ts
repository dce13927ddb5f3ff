/**
 * The bench's own redis-server (issue 12 item 6): one per overhead run, per load-balancer row, per fault run and per
 * cross-instance revocation run. It is the tests' helper (`@auth-lab/shared/redis-test-server`: free 127.0.0.1
 * port, temp `--dir`, `--save ''`, AOF only when asked, stopped by PID) plus what a benchmark needs on top: the
 * process pinned off the server core (it runs beside the load generator), and counting the commands a run cost
 * (INFO commandstats before/after).
 */
import type { RedisHandle } from '@auth-lab/shared'
import { openRedis } from '@auth-lab/shared'
import type { RedisTestServer } from '@auth-lab/shared/redis-test-server'
import { startRedisServer } from '@auth-lab/shared/redis-test-server'
import { registerHelperProcess } from './noise.js'
import { pinProcess } from './pinning.js'

export interface BenchRedis {
  url: string
  server: RedisTestServer
  /** SIGKILL (a crash, no shutdown save). */
  kill(): Promise<void>
  /** Starts it again on the same port and dir (AOF replays when it was started with `appendonly`), pinned again. */
  restart(): Promise<void>
  /** Commands executed so far, by name (INFO commandstats; INFO itself and heartbeat PINGs excluded). */
  commandCounts(): Promise<Record<string, number>>
  stop(): Promise<void>
}

/** Does this server env keep its per-request state in Redis (so the harness must give it a REDIS_URL)? */
export function needsRedis(env: Readonly<Record<string, string>>): boolean {
  return env.SESSION_STORE === 'redis' || env.TOKEN_STORE === 'redis' || env.FLOOR_REDIS === '1'
}

/** The env that points a server at the bench's Redis; a prefix per server keeps runs sharing one Redis apart. */
export function redisEnv(url: string, prefix: string): Record<string, string> {
  return { REDIS_URL: url, REDIS_PREFIX: `${prefix.replace(/[^A-Za-z0-9:_.-]/g, '-').slice(0, 60)}:` }
}

/**
 * Starts a redis-server (appendonly only for the fault run) and pins it to `cpu` (the load generator's core: off
 * the measured server's core) when pinning is on. Throws a clear error when `redis-server` is not installed.
 */
export async function startBenchRedis(
  opts: { cpu?: number | null; appendonly?: boolean } = {},
): Promise<BenchRedis> {
  const server = await startRedisServer({ appendonly: opts.appendonly ?? false, appendfsync: 'everysec' })
  let unregister = () => {}
  const pin = () => {
    const pid = server.pid()
    if (pid === undefined) return
    pinProcess(pid, opts.cpu)
    // Its CPU is the run's own work (the Redis variants' store), not interference: the noise guard discounts it.
    unregister()
    unregister = registerHelperProcess(pid)
  }
  pin()
  let admin: RedisHandle | null = null
  const client = async () => {
    admin ??= await openRedis(
      { url: server.url, prefix: 'bench-admin:', clientCache: false },
      () => undefined,
    )
    return admin.client
  }
  return {
    url: server.url,
    server,
    kill: () => server.kill(),
    async restart() {
      await server.restart()
      pin()
    },
    async commandCounts() {
      return parseCommandStats(String(await (await client()).info('commandstats')))
    },
    async stop() {
      await admin?.close().catch(() => undefined)
      admin = null
      await server.stop()
      unregister()
    },
  }
}

/** `cmdstat_get:calls=12,…` lines → `{ get: 12 }`, without INFO (the harness's own probe). */
export function parseCommandStats(text: string): Record<string, number> {
  const out: Record<string, number> = {}
  // INFO is this probe; PING is the cached clients' heartbeat (apps/shared/src/redis/client.ts), not a request's.
  for (const m of text.matchAll(/^cmdstat_([a-z|_-]+):calls=(\d+)/gm))
    if (m[1] !== 'info' && m[1] !== 'ping') out[m[1]!] = Number(m[2])
  return out
}

/** Commands executed between two `commandCounts()` snapshots, by name (only those that changed). */
export function diffCommands(a: Record<string, number>, b: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = {}
  for (const [k, v] of Object.entries(b)) {
    const d = v - (a[k] ?? 0)
    if (d > 0) out[k] = d
  }
  return out
}
