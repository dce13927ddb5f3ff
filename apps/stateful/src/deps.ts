import type { Clock, Db } from '@auth-lab/shared'
import { migrate, openSharedDeps } from '@auth-lab/shared'
import type { StatefulConfig } from './config.js'
import { MemorySessionStore } from './session/memory-session-store.js'
import { sessionMigrations } from './session/schema.js'
import type { SessionStore } from './session/session-store.js'
import { SqliteSessionStore } from './session/sqlite-session-store.js'
import type { StatefulDeps } from './types.js'

export interface OpenedDeps extends StatefulDeps {
  config: StatefulConfig
  sessions: SessionStore
  /** The shared SQLite handle (tests inspect rows through it). */
  db: Db
  /** Closes the database (call after the server stopped). */
  close(): void
}

/**
 * Opens the shared file (users migrations), applies the `stateful` migrations (also with the memory store, so the
 * schema never depends on a runtime switch) and picks the session store.
 */
export function openStatefulDeps(
  config: StatefulConfig,
  opts: { clock?: Clock; defaultMetrics?: boolean; onUnexpected?: (err: unknown) => void } = {},
): OpenedDeps {
  const shared = openSharedDeps({
    app: 'stateful',
    dbPath: config.dbPath,
    argon2: config.argon2,
    throttle: config.throttle,
    clock: opts.clock,
    defaultMetrics: opts.defaultMetrics,
  })
  migrate(shared.db, 'stateful', sessionMigrations)
  const sessions =
    config.session.store === 'memory'
      ? new MemorySessionStore(shared.users, shared.metrics.store)
      : new SqliteSessionStore(shared.db, shared.metrics.store)
  return {
    config,
    users: shared.users,
    hasher: shared.hasher,
    throttle: shared.throttle,
    metrics: shared.metrics,
    clock: shared.clock,
    sessions,
    db: shared.db,
    onUnexpected: opts.onUnexpected,
    close: () => shared.db.close(),
  }
}
