import type { Clock } from './clock.js'
import { systemClock } from './clock.js'
import type { CommonConfig } from './config/env.js'
import { migrate } from './db/migrate.js'
import type { Db } from './db/open-database.js'
import { openDatabase } from './db/open-database.js'
import { Metrics } from './metrics/metrics.js'
import type { RedisHandle } from './redis/client.js'
import { RedisLoginThrottle } from './throttle/redis-login-throttle.js'
import { SqliteLoginThrottle, throttleMigrations } from './throttle/sqlite-login-throttle.js'
import type { Throttle } from './throttle/throttle.js'
import type { Argon2Settings } from './users/password.js'
import { PasswordHasher } from './users/password.js'
import { userMigrations } from './users/schema.js'
import { SqliteUserStore } from './users/sqlite-user-store.js'

/** Everything an app needs from the shared package, built the same way for both apps. */
export interface SharedDeps {
  db: Db
  metrics: Metrics
  hasher: PasswordHasher
  users: SqliteUserStore
  throttle: Throttle
  clock: Clock
}

export interface SharedDepsOptions {
  app: string
  dbPath: string
  /** Cost and, optionally, the hash-queue bounds (defaults in password.ts). */
  argon2: Argon2Settings
  throttle: CommonConfig['throttle']
  clock?: Clock
  /** Process-level metrics (CPU, heap, GC); off in tests, on in servers. */
  defaultMetrics?: boolean
  /**
   * When given (REDIS_URL set), the login throttle lives in Redis and holds across instances; otherwise in the
   * shared SQLite file, so it holds across the processes on this machine that open it.
   */
  redis?: RedisHandle
}

export function openSharedDeps(opts: SharedDepsOptions): SharedDeps {
  const clock = opts.clock ?? systemClock
  const db = openDatabase(opts.dbPath)
  migrate(db, 'users', userMigrations)
  migrate(db, 'throttle', throttleMigrations)
  const metrics = new Metrics(opts.app, { defaultMetrics: opts.defaultMetrics })
  const hasher = new PasswordHasher(opts.argon2)
  return {
    db,
    metrics,
    hasher,
    users: new SqliteUserStore(db, hasher, metrics.store, clock),
    throttle: opts.redis
      ? new RedisLoginThrottle(opts.redis, opts.throttle, clock)
      : // In the shared SQLite file, not this process's memory: every process on the file counts together.
        new SqliteLoginThrottle(db, opts.throttle, clock),
    clock,
  }
}
