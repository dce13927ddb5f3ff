import type { Clock } from '../clock.js'
import { systemClock } from '../clock.js'
import type { Throttle } from './throttle.js'

/**
 * Login throttling, checked before any password is hashed.
 * - Per account: after `maxFailuresPerUser` failures within `windowSeconds` the account answers 429 whatever the
 *   client address, until the oldest failure leaves the window (a soft lock: it cannot become a permanent DoS).
 *   The key is the normalised username, so "ALICE" and "ａｌｉｃｅ" share alice's counter.
 * - Per client address: `maxFailuresPerIp` failures in the window (password spraying across many usernames).
 * A success clears the account's failures. State is per process and bounded (`maxKeys`, oldest evicted first);
 * behind a load balancer each instance counts on its own — documented in docs/security.md. With REDIS_URL set the
 * apps use `RedisLoginThrottle` instead (redis-login-throttle.ts): the same rules, shared by every instance.
 *
 * Concurrency (issue 10, F1): an attempt is *reserved* before its password is hashed and settled after. A check
 * counts recorded failures **plus attempts still in flight**, so 200 guesses sent at once cannot all pass the check
 * while the first argon2 runs: at most `limit − recorded` of them are let through, the rest get 429. A reservation
 * is settled exactly once — as a failure, as a success, or released (nothing was checked: the hash queue was full,
 * the store failed) — and every later call on it is a no-op, so a `finally { release() }` is always safe.
 */
export interface ThrottleOptions {
  maxFailuresPerUser: number
  maxFailuresPerIp: number
  windowSeconds: number
  maxKeys?: number
}

export type ThrottleVerdict = { allowed: true } | { allowed: false; retryAfterSeconds: number }

/** One in-flight attempt, counted against the account and the address until it is settled. */
export interface Reservation {
  /** The password was wrong (or the user unknown/disabled): record a failure for the account and the address. */
  failure(): void | Promise<void>
  /** The password was right: clear the account's failures. */
  success(): void | Promise<void>
  /** Nothing was checked (an error before or during the hash): count nothing. */
  release(): void | Promise<void>
}

export type ReserveResult =
  | { allowed: true; reservation: Reservation }
  | { allowed: false; retryAfterSeconds: number }

export class LoginThrottle implements Throttle {
  readonly kind = 'memory'
  private readonly users = new Map<string, number[]>()
  private readonly ips = new Map<string, number[]>()
  private readonly pendingUsers = new Map<string, number>()
  private readonly pendingIps = new Map<string, number>()
  private readonly windowMs: number
  private readonly maxKeys: number

  constructor(
    private readonly opts: ThrottleOptions,
    private readonly clock: Clock = systemClock,
  ) {
    this.windowMs = opts.windowSeconds * 1000
    this.maxKeys = opts.maxKeys ?? 100_000
  }

  /** Whether an attempt would be let through now (recorded failures + attempts in flight). Reserves nothing. */
  check(username: string, ip: string): ThrottleVerdict {
    const now = this.clock()
    const waits = [
      this.wait(this.users, this.pendingUsers, username, this.opts.maxFailuresPerUser, now),
      this.wait(this.ips, this.pendingIps, ip, this.opts.maxFailuresPerIp, now),
    ]
    const wait = Math.max(...waits)
    return wait > 0 ? { allowed: false, retryAfterSeconds: Math.ceil(wait / 1000) } : { allowed: true }
  }

  /**
   * Checks and, when allowed, reserves one attempt in the same synchronous step (no await in between, so two
   * requests cannot both take the last slot). The caller must settle the reservation.
   */
  reserve(username: string, ip: string): ReserveResult {
    const verdict = this.check(username, ip)
    if (!verdict.allowed) return verdict
    bump(this.pendingUsers, username, 1)
    bump(this.pendingIps, ip, 1)
    let open = true
    const close = (): boolean => {
      if (!open) return false
      open = false
      bump(this.pendingUsers, username, -1)
      bump(this.pendingIps, ip, -1)
      return true
    }
    return {
      allowed: true,
      reservation: {
        failure: () => {
          if (close()) this.recordFailure(username, ip)
        },
        success: () => {
          if (close()) this.recordSuccess(username)
        },
        release: () => {
          close()
        },
      },
    }
  }

  /** Attempts reserved and not yet settled (for tests and diagnostics). */
  pending(username: string, ip: string): { user: number; ip: number } {
    return { user: this.pendingUsers.get(username) ?? 0, ip: this.pendingIps.get(ip) ?? 0 }
  }

  recordFailure(username: string, ip: string): void {
    const now = this.clock()
    this.push(this.users, username, now)
    this.push(this.ips, ip, now)
  }

  recordSuccess(username: string): void {
    this.users.delete(username)
  }

  private wait(
    map: Map<string, number[]>,
    pending: Map<string, number>,
    key: string,
    max: number,
    now: number,
  ): number {
    const list = this.live(map, key, now)
    if (list.length >= max) {
      // Blocked until enough failures age out to drop below the limit.
      const releaseAt = (list[list.length - max] ?? now) + this.windowMs
      return Math.max(1, releaseAt - now)
    }
    // Below the limit on record, but the attempts in flight could fill it: answer "retry in a second", by when
    // they have settled (an argon2 verify takes milliseconds) and the count is known.
    if (list.length + (pending.get(key) ?? 0) >= max) return 1000
    return 0
  }

  private live(map: Map<string, number[]>, key: string, now: number): number[] {
    const list = map.get(key)
    if (!list) return []
    const cutoff = now - this.windowMs
    while (list.length > 0 && (list[0] ?? 0) <= cutoff) list.shift()
    if (list.length === 0) map.delete(key)
    return list
  }

  private push(map: Map<string, number[]>, key: string, now: number): void {
    const list = this.live(map, key, now)
    list.push(now)
    if (list.length > 1000) list.shift() // far above any limit; bounds memory per key
    map.delete(key) // re-insert to keep Map order = recency, so eviction drops the stalest key
    map.set(key, list)
    if (map.size > this.maxKeys) {
      const oldest = map.keys().next().value
      if (oldest !== undefined) map.delete(oldest)
    }
  }
}

/** In-flight counts: never evicted (bounded by the requests in flight), deleted at zero. */
function bump(map: Map<string, number>, key: string, by: number): void {
  const n = (map.get(key) ?? 0) + by
  if (n > 0) map.set(key, n)
  else map.delete(key)
}
