/**
 * What the shared login check needs from a throttle. Three implementations: `SqliteLoginThrottle` (the default:
 * the shared SQLite file, so every process on it counts together), `RedisLoginThrottle` (REDIS_URL: every instance
 * on one Redis; each step one Lua script) and `LoginThrottle` (this process's memory; unit tests and embedding). Results
 * may be promises; the login check awaits them. A reservation is settled exactly once (failure, success or
 * release); later calls are no-ops.
 */
import type { ReserveResult } from './login-throttle.js'

export type MaybePromise<T> = T | Promise<T>

export interface Throttle {
  readonly kind: 'memory' | 'sqlite' | 'redis'
  reserve(username: string, ip: string): MaybePromise<ReserveResult>
  /**
   * Deletes state that can no longer count (SQLite: old failures and dead leases, in batches that yield to the
   * event loop; `signal` stops it between batches); the apps' jobs call it.
   */
  purge?(signal?: AbortSignal): Promise<number>
}
