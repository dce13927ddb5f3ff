/**
 * The one Redis client factory both apps use (node-redis 6, RESP3). What it guarantees:
 * - reconnects by itself: the delay grows 50 ms → 500 ms (capped), retries forever; a request never waits for it;
 * - fails fast while disconnected (`disableOfflineQueue`): a command issued with no connection rejects at once, so
 *   the HTTP edge answers 503 `store_unavailable` instead of hanging or queueing writes to replay later (a queued
 *   write replayed after a reconnect could undo a logout that committed in between);
 * - never crashes the process: every `error` event is reported through `onError`, rate-limited to one line per
 *   second (a down Redis emits one per reconnect attempt);
 * - `REDIS_CLIENT_CACHE=1`: server-assisted client-side caching (CLIENT TRACKING, RESP3 pushes). node-redis clears
 *   the cache when the socket errors; the `ready` handler clears it again after every (re)connect, because an
 *   invalidation pushed while we were disconnected is lost for good.
 * - Redis Cluster: a `redis+cluster://host:port,host:port` URL (what REDIS_CLUSTER_NODES becomes) opens node-redis
 *   `createCluster({ rootNodes, RESP: 3 })` with the same per-node options; the stores see the same command API
 *   (every multi-key command, MULTI and script they send stays inside one hash tag, docs/redis.md). The cache is
 *   the cluster's pooled client-side cache; it is cleared whenever any node becomes ready again.
 */
import { createClient, createCluster } from 'redis'
import { StoreUnavailableError } from '../http/errors.js'

export interface RedisSettings {
  url: string
  /** Prepended to every key (REDIS_PREFIX, default `auth-lab:`). */
  prefix: string
  /** REDIS_CLIENT_CACHE=1: serve cacheable reads from process memory, invalidated by Redis pushes. */
  clientCache: boolean
}

export const REDIS_DEFAULTS = {
  prefix: 'auth-lab:',
  clientCacheEntries: 100_000,
  reconnectCapMs: 500,
} as const

export type Redis = ReturnType<typeof newClient>
type RedisCluster = ReturnType<typeof createCluster>

const CLUSTER_URL = /^redis\+cluster:\/\/(.+)$/

/** The root nodes of a `redis+cluster://h:p,h:p` URL, or undefined for a plain `redis://` / `rediss://` URL. */
export function clusterNodes(url: string): string[] | undefined {
  const m = CLUSTER_URL.exec(url)
  return m ? (m[1] ?? '').split(',').filter(Boolean) : undefined
}

/**
 * `connected()` tells the reconnect strategy whether the client has ever been ready: before that, a few quick
 * retries and then give up (so a server without its store exits at start instead of hanging); after that, retry
 * forever, 50 ms doubling to a 500 ms cap.
 */
function newClient(settings: RedisSettings, connected: () => boolean) {
  return createClient({
    url: settings.url,
    RESP: 3,
    disableOfflineQueue: true,
    socket: socketOptions(connected),
    ...cacheOptions(settings),
  })
}

/** Connect timeout and reconnect strategy, the same for a single node and for every node of a cluster. */
function socketOptions(connected: () => boolean) {
  return {
    connectTimeout: 2000,
    reconnectStrategy: (retries: number, cause: Error) => {
      if (!connected() && retries >= 3) return new Error(`cannot connect to Redis: ${cause.message}`)
      return Math.min(50 * 2 ** Math.min(retries, 4), REDIS_DEFAULTS.reconnectCapMs)
    },
  }
}

function cacheOptions(settings: RedisSettings) {
  return settings.clientCache
    ? { clientSideCache: { maxEntries: REDIS_DEFAULTS.clientCacheEntries, evictPolicy: 'LRU' as const } }
    : {}
}

/**
 * The cluster client, typed as the single-node client: the stores only use commands both have (no SCAN / INFO on
 * the request path; those are per node on a cluster), so they run unchanged on either.
 */
function newCluster(nodes: string[], settings: RedisSettings, connected: () => boolean): Redis {
  const cluster = createCluster({
    rootNodes: nodes.map((n) => ({ url: `redis://${n}` })),
    RESP: 3,
    defaults: { disableOfflineQueue: true, socket: socketOptions(connected) },
    ...cacheOptions(settings),
  })
  return cluster as unknown as Redis
}

export interface RedisHandle {
  client: Redis
  settings: RedisSettings
  /** Full key for a suffix: `prefix + suffix`. */
  key(suffix: string): string
  /** How many times the client became ready (1 after the first connect); tests wait on it. */
  readyCount(): number
  /**
   * Keys matching a full pattern, counted with SCAN — on every master of a cluster (a cluster client has no SCAN of
   * its own: each node holds its slots). Diagnostics and tests only: never on the request path.
   */
  countKeys(match: string): Promise<number>
  close(): Promise<void>
}

async function countKeys(client: Redis, cluster: boolean, match: string): Promise<number> {
  const nodes = cluster
    ? await Promise.all(
        (client as unknown as RedisCluster).masters.map((m) =>
          (client as unknown as RedisCluster).nodeClient(m),
        ),
      )
    : [client]
  let n = 0
  for (const node of nodes) {
    for await (const keys of (node as Redis).scanIterator({ MATCH: match, COUNT: 1000 })) n += keys.length
  }
  return n
}

/**
 * Connects (awaits the first connection; after 3 failed retries it rejects, so a server that starts without its
 * store fails at start, exit 1) and wires
 * the error and ready handlers.
 *
 * @example
 * const redis = await openRedis({ url: 'redis://127.0.0.1:6379', prefix: 'auth-lab:', clientCache: false })
 * await redis.client.get(redis.key('x'))
 */
export async function openRedis(
  settings: RedisSettings,
  onError: (err: unknown) => void = (err) => console.error('[auth-lab] redis:', err),
): Promise<RedisHandle> {
  let ready = 0
  const nodes = clusterNodes(settings.url)
  const client = nodes ? newCluster(nodes, settings, () => ready > 0) : newClient(settings, () => ready > 0)
  let lastReport = 0
  client.on('error', (err: unknown) => {
    const now = Date.now()
    if (now - lastReport < 1000) return
    lastReport = now
    onError(err)
  })
  client.on('ready', () => {
    ready++
    // Invalidations sent while disconnected are lost: nothing cached before this point may be trusted.
    if (ready > 1) client.clientSideCache?.clear()
  })
  if (nodes) {
    // A cluster emits per-node events; any node coming back may have missed pushes: clear the whole pooled cache.
    let nodeReady = 0
    client.on('node-ready', () => {
      if (++nodeReady > nodes.length) client.clientSideCache?.clear()
    })
    client.on('node-error', (err: unknown) => client.emit('error', err))
  }
  await client.connect()
  if (nodes) ready = Math.max(ready, 1) // the cluster has no client-level `ready`: connected means ready
  return {
    client,
    settings,
    key: (suffix) => settings.prefix + suffix,
    readyCount: () => ready,
    countKeys: (match) => countKeys(client, nodes !== undefined, match),
    async close() {
      if (client.isOpen) await client.close()
      else client.destroy()
    },
  }
}

/**
 * Runs one Redis operation and turns any failure (offline, socket closed mid-command, an error reply) into
 * StoreUnavailableError, which the HTTP edge answers with 503 `store_unavailable` + Retry-After.
 */
export async function redisCall<T>(op: () => Promise<T>): Promise<T> {
  try {
    return await op()
  } catch (err) {
    throw new StoreUnavailableError(err)
  }
}

/** A TTL in whole milliseconds for `PX`/`PEXPIRE`: at least 1 ms, never 0 or negative (which would mean "no expiry"
 * to some clients or delete at once), never fractional. Callers skip the write when `ms <= 0`. */
export function ttlMs(ms: number): number {
  return Math.max(1, Math.ceil(ms))
}
