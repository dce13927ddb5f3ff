import type { Clock, Db, Metrics, UserStore } from '@auth-lab/shared'
import { cacheCounters, migrate, openSharedDeps } from '@auth-lab/shared'
import type { StatefulConfig } from './config.js'
import type { Deps } from './env.js'
import { COOKIE_CACHE_NAME, CookieCache } from './session/cookie-cache.js'
import { openCookieCacheKey } from './session/cookie-cache-key.js'
import { MemorySessionStore } from './session/memory-session-store.js'
import { sessionMigrations } from './session/schema.js'
import type { SessionStore } from './session/session-store.js'
import { Sessions } from './session/sessions.js'
import { SqliteSessionStore } from './session/sqlite-session-store.js'

export interface OpenedDeps extends Deps {
  /** The shared SQLite handle (tests inspect rows through it). */
  db: Db
  /** Closes the database (call after the server stopped). */
  close(): void
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
  const shared = openSharedDeps({
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
    sessions: openSessions(config, shared),
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
    onUnexpected: opts.onUnexpected ?? ((err: unknown) => console.error('[auth-lab stateful] error:', err)),
    close: () => shared.db.close(),
  }
}

/**
 * The session core over the store SESSION_STORE names. `wrap` lets tests put a decorator (e.g. a failing store)
 * between the core and the real store.
 */
export function openSessions(
  config: StatefulConfig,
  shared: { db: Db; users: UserStore; metrics: Metrics; clock: Clock },
  wrap: (store: SessionStore) => SessionStore = (store) => store,
): Sessions {
  const store =
    config.session.store === 'memory'
      ? new MemorySessionStore(shared.users, shared.metrics.store)
      : new SqliteSessionStore(shared.db, shared.metrics.store)
  return new Sessions(wrap(store), { clock: shared.clock, ...config.session })
}
