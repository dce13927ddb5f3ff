import type { Clock, Db, Metrics, RedisHandle, UserStore } from '@auth-lab/shared'
import { cacheCounters, migrate, openRedis, openSharedDeps } from '@auth-lab/shared'
import type { StatefulConfig } from './config.js'
import type { Deps } from './env.js'
import { COOKIE_CACHE_NAME, CookieCache } from './session/cookie-cache.js'
import { openCookieCacheKey } from './session/cookie-cache-key.js'
import { MemorySessionStore } from './session/memory-session-store.js'
import { RedisSessionStore } from './session/redis-session-store.js'
import { sessionMigrations } from './session/schema.js'
import type { SessionStore } from './session/session-store.js'
import { Sessions } from './session/sessions.js'
import { SqliteSessionStore } from './session/sqlite-session-store.js'

export interface OpenedDeps extends Deps {
  /** The shared SQLite handle (tests inspect rows through it). */
  db: Db
  /** The Redis connection when REDIS_URL is set (throttle; sessions with SESSION_STORE=redis). */
  redis: RedisHandle | undefined
  /** Closes the database and the Redis connection (call after the server stopped). */
  close(): Promise<void>
}

/**
 * Opens the shared file (users migrations), applies the `stateful` migrations (also with the memory store, so the
 * schema never depends on a runtime switch) and builds the session core over the configured store.
 * Async for symmetry with the stateless app (which reads key files).
 */
export async function openDeps(
  config: StatefulConfig,
  opts: { clock?: Clock; defaultMetrics?: boolean; onUnexpected?: (err: unknown) => void } = {},
): Promise<OpenedDeps> {
  const onUnexpected =
    opts.onUnexpected ?? ((err: unknown) => console.error('[auth-lab stateful] error:', err))
  const { url, prefix, clientCache } = config.redis
  const redis = url === undefined ? undefined : await openRedis({ url, prefix, clientCache }, onUnexpected)
  const shared = openSharedDeps({
    redis,
    app: 'stateful',
    dbPath: config.dbPath,
    argon2: config.argon2,
    throttle: config.throttle,
    clock: opts.clock,
    defaultMetrics: opts.defaultMetrics,
  })
  migrate(shared.db, 'stateful', sessionMigrations)
  return {
    config,
    users: shared.users,
    hasher: shared.hasher,
    throttle: shared.throttle,
    metrics: shared.metrics,
    clock: shared.clock,
    sessions: openSessions(config, { ...shared, redis }),
    // [caches wiring] SESSION_COOKIE_CACHE=0 (the default): no snapshot cookie, every request reads the store.
    cookieCache:
      config.cookieCache.ttlSeconds > 0
        ? new CookieCache({
            key: openCookieCacheKey({ dbPath: config.dbPath, secret: config.cookieCache.secret }),
            ttlSeconds: config.cookieCache.ttlSeconds,
            clock: shared.clock,
            cookieSecure: config.cookieSecure,
            counters: cacheCounters(shared.metrics, COOKIE_CACHE_NAME),
          })
        : undefined,
    db: shared.db,
    redis,
    onUnexpected,
    close: async () => {
      shared.db.close()
      await redis?.close()
    },
  }
}

/**
 * The session core over the store SESSION_STORE names. `wrap` lets tests put a decorator (e.g. a failing store)
 * between the core and the real store.
 */
export function openSessions(
  config: StatefulConfig,
  shared: { db: Db; users: UserStore; metrics: Metrics; clock: Clock; redis: RedisHandle | undefined },
  wrap: (store: SessionStore) => SessionStore = (store) => store,
): Sessions {
  return new Sessions(wrap(openSessionStore(config, shared)), { clock: shared.clock, ...config.session })
}

function openSessionStore(
  config: StatefulConfig,
  shared: { db: Db; users: UserStore; metrics: Metrics; clock: Clock; redis: RedisHandle | undefined },
): SessionStore {
  switch (config.session.store) {
    case 'memory':
      return new MemorySessionStore(shared.users, shared.metrics.store)
    case 'sqlite':
      return new SqliteSessionStore(shared.db, shared.metrics.store)
    case 'redis':
      if (!shared.redis) throw new Error('SESSION_STORE=redis without a Redis connection')
      return new RedisSessionStore(shared.redis, shared.users, shared.metrics.store, shared.clock)
  }
}
