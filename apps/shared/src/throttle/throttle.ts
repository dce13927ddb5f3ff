/**
 * What the shared login check needs from a throttle. Two implementations: `LoginThrottle` (this process's memory,
 * synchronous) and `RedisLoginThrottle` (shared by every instance on one Redis; each step one Lua script). Results
 * may be promises; the login check awaits them. A reservation is settled exactly once (failure, success or
 * release); later calls are no-ops.
 */
import type { ReserveResult } from './login-throttle.js'

export type MaybePromise<T> = T | Promise<T>

export interface Throttle {
  readonly kind: 'memory' | 'redis'
  reserve(username: string, ip: string): MaybePromise<ReserveResult>
}
