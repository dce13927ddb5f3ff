/**
 * The one Redis client factory both apps use (node-redis 6, RESP3). What it guarantees:
 * - reconnects by itself: the delay grows 50 ms → 500 ms (capped), retries forever; a request never waits for it;
 * - fails fast while disconnected (`disableOfflineQueue`): a command issued with no connection rejects at once, so
 *   the HTTP edge answers 503 `store_unavailable` instead of hanging or queueing writes to replay later (a queued
 *   write replayed after a reconnect could undo a logout that committed in between);
 * - never waits on a Redis that stops answering without closing the connection (paused, or a network path that
 *   drops packets): every store operation (`redisCall`, and the throttle's scripts) gives up after
 *   `commandTimeoutMs`, so the request answers 503 instead of hanging;
 * - never crashes the process: every `error` event is reported through `onError`, rate-limited to one line per
 *   second (a down Redis emits one per reconnect attempt);
 * - `REDIS_CLIENT_CACHE=1`: server-assisted client-side caching (CLIENT TRACKING, RESP3 pushes). node-redis clears
 *   the cache when the socket errors; the `ready` handler clears it again after every (re)connect, because an
 *   invalidation pushed while we were disconnected is lost for good. A silent connection never errors, so with the
 *   cache on a heartbeat PINGs every `heartbeatMs`; a PING unanswered within `heartbeatMs` clears the cache, so an
 *   instance cut off from Redis stops serving cached sessions within ~2 × heartbeatMs and answers 503 (its reads
 *   now go to the network and time out) instead of accepting a credential revoked elsewhere meanwhile.
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
  /** A command unanswered for this long fails (503): far above a loaded loopback round trip (< 10 ms p99.9). */
  commandTimeoutMs: 2000,
  /** Client cache only: PING period and timeout; bounds how long a cut-off instance trusts its cache. */
  heartbeatMs: 500,
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
    commandOptions: { timeout: REDIS_DEFAULTS.commandTimeoutMs },
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
    commandOptions: { timeout: REDIS_DEFAULTS.commandTimeoutMs },
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
  const heartbeat = settings.clientCache ? startHeartbeat(client, nodes !== undefined) : null
  return {
    client,
    settings,
    key: (suffix) => settings.prefix + suffix,
    readyCount: () => ready,
    countKeys: (match) => countKeys(client, nodes !== undefined, match),
    async close() {
      heartbeat?.stop()
      if (!client.isOpen) return client.destroy()
      // Graceful first (pending replies are read); a Redis that stopped answering would hold that forever, so
      // after a second the connection is dropped (a server's shutdown must not hang on its store).
      await withDeadline(client.close(), 1000).catch(() => client.destroy())
    },
  }
}

/**
 * The client cache's guard against a silent connection: PING every heartbeatMs with a timeout of heartbeatMs; an
 * unanswered PING clears the cache, since an invalidation may be stuck or lost on that connection. One PING at a
 * time; the timer never keeps the process alive. On a cluster the PING goes to one node (node-redis picks it); its
 * pooled cache is cleared likewise.
 */
function startHeartbeat(client: Redis, cluster: boolean): { stop(): void } {
  let stopped = false
  let timer: NodeJS.Timeout | undefined
  const ping = cluster
    ? () => (client as unknown as RedisCluster).sendCommand(undefined, true, ['PING'])
    : () => client.ping()
  const beat = async () => {
    try {
      await withDeadline<unknown>(ping(), REDIS_DEFAULTS.heartbeatMs)
    } catch {
      client.clientSideCache?.clear()
    }
    if (!stopped) timer = setTimeout(beat, REDIS_DEFAULTS.heartbeatMs).unref()
  }
  timer = setTimeout(beat, REDIS_DEFAULTS.heartbeatMs).unref()
  return {
    stop() {
      stopped = true
      clearTimeout(timer)
    },
  }
}

/**
 * Runs one Redis operation and turns any failure (offline, socket closed mid-command, an error reply) into
 * StoreUnavailableError, which the HTTP edge answers with 503 `store_unavailable` + Retry-After.
 */
export async function redisCall<T>(op: () => Promise<T>): Promise<T> {
  try {
    return await withDeadline(op(), REDIS_DEFAULTS.commandTimeoutMs)
  } catch (err) {
    throw new StoreUnavailableError(err)
  }
}

/**
 * `p`, or a rejection after `ms`. node-redis's own command timeout only covers a command still waiting to be
 * written; one already on the wire to a Redis that stopped answering (paused, or a path that drops packets without
 * a reset) waits forever. Its reply, if it ever comes, is read and dropped by node-redis.
 */
export function withDeadline<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`Redis did not answer within ${ms} ms`)), ms)
    timer.unref()
  })
  return Promise.race([p, deadline]).finally(() => clearTimeout(timer))
}

/** A TTL in whole milliseconds for `PX`/`PEXPIRE`: at least 1 ms, never 0 or negative (which would mean "no expiry"
 * to some clients or delete at once), never fractional. Callers skip the write when `ms <= 0`. */
export function ttlMs(ms: number): number {
  return Math.max(1, Math.ceil(ms))
}
