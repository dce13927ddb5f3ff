export type { Clock } from './clock.js'
export { isoTime, manualClock, systemClock } from './clock.js'
export type { CommonConfig, Env } from './config/env.js'
export {
  ConfigError,
  envBool,
  envEnum,
  envInt,
  envOptional,
  envOrigins,
  envString,
  MIN_METRICS_TOKEN_BYTES,
  readCommonConfig,
} from './config/env.js'
export type { SecretEstimate } from './config/secret-strength.js'
export { estimateSecretBits, MIN_SECRET_BITS } from './config/secret-strength.js'
export type { DeleteInBatchesOptions } from './db/delete-in-batches.js'
export { deleteInBatches, PURGE_BATCH_ROWS } from './db/delete-in-batches.js'
export type { Migration } from './db/migrate.js'
export { migrate } from './db/migrate.js'
export type { Db } from './db/open-database.js'
export { openDatabase } from './db/open-database.js'
export { defaultDbPath, repoRoot } from './db/paths.js'
export type { PurgeRunner, PurgeTask } from './db/purge-runner.js'
export { purgeRunner } from './db/purge-runner.js'
export type { StoreOp } from './db/store-counters.js'
export { StoreCounters } from './db/store-counters.js'
export { demoAssets } from './demo/demo-assets.js'
export { clientIp } from './http/client-ip.js'
export type { CommonOptions } from './http/common.js'
export { commonMiddleware, installCommon, metricsGuard, noStore, toErrorResponse } from './http/common.js'
export { crossSiteGuard } from './http/cross-site.js'
export type { ErrorCode } from './http/errors.js'
export {
  ApiError,
  errorResponse,
  isStoreError,
  STATUS,
  StoreUnavailableError,
  storeUnavailable,
} from './http/errors.js'
export { JSON_BODY_LIMIT, readJsonObject } from './http/json-body.js'
export type { LoginDeps } from './http/login.js'
export { passwordChangedMeanwhile, reauthenticate, verifyLogin } from './http/login.js'
export { noFormBody } from './http/no-form-body.js'
export type { ServeOptions } from './http/serve.js'
export { createNodeServer, HTTP_TIMEOUTS, serveUntilSignal } from './http/serve.js'
export { authTimer } from './http/server-timing.js'
export { staticAsset } from './http/static-asset.js'
export type { LoginInput, PasswordChangeInput } from './http/validation.js'
export { parseLogin, parsePasswordChange } from './http/validation.js'
export { CacheCounters, cacheCounters } from './metrics/cache-counters.js'
export type { LoginOutcome } from './metrics/metrics.js'
export { Metrics } from './metrics/metrics.js'
export { freePort } from './net/free-port.js'
export type { Redis, RedisHandle, RedisSettings } from './redis/client.js'
export { openRedis, REDIS_DEFAULTS, redisCall, ttlMs } from './redis/client.js'
export type { LuaScript } from './redis/script.js'
export { luaScript } from './redis/script.js'
export type { SharedDeps, SharedDepsOptions } from './shared-deps.js'
export { openSharedDeps } from './shared-deps.js'
export type {
  Reservation,
  ReserveResult,
  ThrottleOptions,
  ThrottleVerdict,
} from './throttle/login-throttle.js'
export { LoginThrottle } from './throttle/login-throttle.js'
export { RedisLoginThrottle } from './throttle/redis-login-throttle.js'
export { SqliteLoginThrottle, throttleMigrations } from './throttle/sqlite-login-throttle.js'
export type { MaybePromise, Throttle } from './throttle/throttle.js'
export { DEMO_USERS, ensureDemoUsers } from './users/demo-users.js'
export type { Argon2Params } from './users/hash-population.js'
export { argon2Params, HashPopulation } from './users/hash-population.js'
export type { HashQueueOptions } from './users/hash-queue.js'
export { HashQueue, HashQueueFullError } from './users/hash-queue.js'
export type { Argon2Cost, Argon2Settings } from './users/password.js'
export { DEFAULT_HASH_LIMITS, OWASP_MINIMUM, PasswordHasher, TEST_COST } from './users/password.js'
export { userMigrations } from './users/schema.js'
export { checkPassword, SqliteUserStore } from './users/sqlite-user-store.js'
export type { UserColumns } from './users/user-row.js'
export { userColumns, userFromRow, userFromValues } from './users/user-row.js'
export type { NewUser, PublicUser, User, UserStore } from './users/user-store.js'
export { publicUser, UserStoreError } from './users/user-store.js'
export {
  normalizeUsername,
  PASSWORD_MAX,
  PASSWORD_MIN,
  parseUsername,
  USERNAME_PATTERN,
} from './users/username.js'
