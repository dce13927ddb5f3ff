import type { Clock, Db, RedisHandle } from '@auth-lab/shared'
import { cacheCounters, migrate, openRedis, openSharedDeps } from '@auth-lab/shared'
import { TokenService } from './auth/token-service.js'
import type { StatelessConfig } from './config.js'
import type { Deps } from './env.js'
import { AccessTokens } from './tokens/access-token.js'
import { openKeyRing } from './tokens/keys.js'
import { RedisRefreshTokens } from './tokens/redis-refresh-tokens.js'
import type { RefreshStore } from './tokens/refresh-store.js'
import { RefreshTokens } from './tokens/refresh-token.js'
import { openRevocation } from './tokens/revocation/index.js'
import { statelessMigrations } from './tokens/schema.js'
import { ACCESS_TOKEN_CACHE_NAME, VerifiedTokenCache } from './tokens/verified-cache.js'

export interface OpenedDeps extends Deps {
  /** The shared SQLite handle (tests inspect rows through it). */
  db: Db
  /** The Redis connection when REDIS_URL is set (throttle; refresh state and deny-list with TOKEN_STORE=redis). */
  redis: RedisHandle | undefined
  /** Closes the database and the Redis connection (call after the server stopped). */
  close(): Promise<void>
}

/**
 * Opens the shared file (users migrations), applies the `stateless` migrations, imports the keys once, and wires
 * the token service with the revocation strategy of `config.revocation`. Async: key import is.
 */
export async function openDeps(
  config: StatelessConfig,
  opts: { clock?: Clock; defaultMetrics?: boolean; onUnexpected?: (err: unknown) => void } = {},
): Promise<OpenedDeps> {
  const onUnexpected =
    opts.onUnexpected ?? ((err: unknown) => console.error('[auth-lab stateless] error:', err))
  const { url, prefix, clientCache } = config.redis
  const redis = url === undefined ? undefined : await openRedis({ url, prefix, clientCache }, onUnexpected)
  const shared = openSharedDeps({
    redis,
    app: 'stateless',
    dbPath: config.dbPath,
    argon2: config.argon2,
    throttle: config.throttle,
    clock: opts.clock,
    defaultMetrics: opts.defaultMetrics,
  })
  const { db, clock, users } = shared
  try {
    migrate(db, 'stateless', statelessMigrations)
    const keys = await openKeyRing(config.jwt, clock, config.jobs.keyReloadIntervalSeconds)
    const tokenRedis = config.tokenStore === 'redis' ? redis : undefined
    const refresh: RefreshStore = tokenRedis
      ? new RedisRefreshTokens(tokenRedis, users, shared.metrics.store, clock, config.refresh)
      : new RefreshTokens(db, shared.metrics.store, clock, config.refresh)
    const revocation = openRevocation(config.revocation, {
      db,
      counters: shared.metrics.store,
      clock,
      users,
      refresh,
      redis: tokenRedis,
      accessTtl: config.jwt.accessTtl,
      clockTolerance: config.jwt.clockTolerance,
    })
    const access = new AccessTokens(keys, config.jwt, clock, config.lab)
    // [caches wiring] ACCESS_TOKEN_CACHE=0 turns the verified-token cache off (every request goes through jose).
    const cache =
      config.accessTokenCache > 0
        ? new VerifiedTokenCache({
            maxEntries: config.accessTokenCache,
            clock,
            clockTolerance: config.jwt.clockTolerance,
            maxTokenAge: config.jwt.accessTtl,
            ring: keys,
            counters: cacheCounters(shared.metrics, ACCESS_TOKEN_CACHE_NAME),
          })
        : undefined
    const tokens = new TokenService({
      users,
      access,
      refresh,
      revocation,
      cache,
      maxFamiliesPerUser: config.refresh.maxFamiliesPerUser,
    })
    return {
      config,
      users,
      hasher: shared.hasher,
      throttle: shared.throttle,
      metrics: shared.metrics,
      clock,
      onUnexpected,
      keys,
      tokens,
      db,
      redis,
      close: async () => {
        db.close()
        await redis?.close()
      },
    }
  } catch (err) {
    db.close()
    await redis?.close()
    throw err
  }
}
