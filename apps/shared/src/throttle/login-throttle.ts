import type { Clock } from '../clock.js'
import { systemClock } from '../clock.js'

/**
 * Login throttling, checked before any password is hashed.
 * - Per account: after `maxFailuresPerUser` failures within `windowSeconds` the account answers 429 whatever the
 *   client address, until the oldest failure leaves the window (a soft lock: it cannot become a permanent DoS).
 *   The key is the normalised username, so "ALICE" and "ａｌｉｃｅ" share alice's counter.
 * - Per client address: `maxFailuresPerIp` failures in the window (password spraying across many usernames).
 * A success clears the account's failures. State is per process and bounded (`maxKeys`, oldest evicted first);
 * behind a load balancer each instance counts on its own — documented in docs/security.md.
 */
export interface ThrottleOptions {
  maxFailuresPerUser: number
  maxFailuresPerIp: number
  windowSeconds: number
  maxKeys?: number
}

export type ThrottleVerdict = { allowed: true } | { allowed: false; retryAfterSeconds: number }

export class LoginThrottle {
  private readonly users = new Map<string, number[]>()
  private readonly ips = new Map<string, number[]>()
  private readonly windowMs: number
  private readonly maxKeys: number

  constructor(
    private readonly opts: ThrottleOptions,
    private readonly clock: Clock = systemClock,
  ) {
    this.windowMs = opts.windowSeconds * 1000
    this.maxKeys = opts.maxKeys ?? 100_000
  }

  check(username: string, ip: string): ThrottleVerdict {
    const now = this.clock()
    const waits = [
      this.wait(this.users, username, this.opts.maxFailuresPerUser, now),
      this.wait(this.ips, ip, this.opts.maxFailuresPerIp, now),
    ]
    const wait = Math.max(...waits)
    return wait > 0 ? { allowed: false, retryAfterSeconds: Math.ceil(wait / 1000) } : { allowed: true }
  }

  recordFailure(username: string, ip: string): void {
    const now = this.clock()
    this.push(this.users, username, now)
    this.push(this.ips, ip, now)
  }

  recordSuccess(username: string): void {
    this.users.delete(username)
  }

  private wait(map: Map<string, number[]>, key: string, max: number, now: number): number {
    const list = this.live(map, key, now)
    if (list.length < max) return 0
    // Blocked until enough failures age out to drop below the limit.
    const releaseAt = (list[list.length - max] ?? now) + this.windowMs
    return Math.max(1, releaseAt - now)
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
