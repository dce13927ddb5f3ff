/**
 * The login throttle in Redis (used whenever REDIS_URL is set): the same rules as `LoginThrottle`, but shared by
 * every instance, so a guesser cannot multiply the limit by spreading attempts over a load balancer.
 *
 * Per dimension (account, address) two keys under one hash tag, so each Lua script stays in one cluster slot:
 * - `{tu:<h>}:f` / `{ti:<h>}:f`: sorted set of failures (score = time), pruned to the window, PEXPIRE = window;
 * - `{tu:<h>}:p` / `{ti:<h>}:p`: sorted set of reservations in flight (score = lease end, 30 s), so a process that
 *   dies mid-login cannot leak a slot for longer than the lease.
 * `<h>` is SHA-256 of the normalised name / address (first 128 bits): no usernames or IPs in Redis, and no brace in
 * a key can break the hash tag.
 *
 * Reserve = one script per dimension (check failures + in-flight against the limit, then add the reservation),
 * atomic on the server, so N concurrent attempts from N instances let at most `limit − recorded` through (F1).
 * Both dimensions are asked at once; when one refuses, the slot the other granted is given back. Between those two
 * steps a concurrent attempt may see the slot as taken and get "retry in 1 s": the error is on the closed side.
 * Times come from the injected clock (ARGV), never from the Redis server, so tests can freeze them.
 */
import { createHash, randomBytes } from 'node:crypto'
import type { Clock } from '../clock.js'
import { systemClock } from '../clock.js'
import { StoreUnavailableError } from '../http/errors.js'
import { REDIS_DEFAULTS, type RedisHandle, withDeadline } from '../redis/client.js'
import { luaScript } from '../redis/script.js'
import type { Reservation, ReserveResult, ThrottleOptions } from './login-throttle.js'
import type { Throttle } from './throttle.js'

const LEASE_MS = 30_000

// KEYS: failures, pending. ARGV: now, windowMs, max, leaseMs, reservationId. Returns {allowed 0|1, waitMs}.
const RESERVE = luaScript(`
local now = tonumber(ARGV[1]); local win = tonumber(ARGV[2]); local max = tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - win)
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now)
local failures = redis.call('ZCARD', KEYS[1])
if failures >= max then
  local at = redis.call('ZRANGE', KEYS[1], failures - max, failures - max, 'WITHSCORES')
  return {0, math.max(1, tonumber(at[2]) + win - now)}
end
if failures + redis.call('ZCARD', KEYS[2]) >= max then return {0, 1000} end
redis.call('ZADD', KEYS[2], now + tonumber(ARGV[4]), ARGV[5])
redis.call('PEXPIRE', KEYS[2], ARGV[4])
return {1, 0}`)

// KEYS: failures, pending. ARGV: now, windowMs, reservationId, 'failure' | 'success' | 'release'.
const SETTLE = luaScript(`
redis.call('ZREM', KEYS[2], ARGV[3])
if ARGV[4] == 'failure' then
  redis.call('ZADD', KEYS[1], ARGV[1], ARGV[3])
  redis.call('ZREMRANGEBYRANK', KEYS[1], 0, -1001)
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
elseif ARGV[4] == 'success' then
  redis.call('DEL', KEYS[1])
end
return 1`)

type Outcome = 'failure' | 'success' | 'release'

export class RedisLoginThrottle implements Throttle {
  readonly kind = 'redis'
  private readonly windowMs: number

  constructor(
    private readonly redis: RedisHandle,
    private readonly opts: ThrottleOptions,
    private readonly clock: Clock = systemClock,
  ) {
    this.windowMs = opts.windowSeconds * 1000
  }

  async reserve(username: string, ip: string): Promise<ReserveResult> {
    const id = randomBytes(12).toString('base64url')
    const user = this.keys('tu', username)
    const addr = this.keys('ti', ip)
    const now = this.clock()
    // The scripts run outside `redisCall`, so they take its deadline here: a Redis that stopped answering is a 503.
    const ask = (keys: string[], max: number) =>
      withDeadline(
        RESERVE.run(this.redis.client, keys, [now, this.windowMs, max, LEASE_MS, id]) as Promise<
          [number, number]
        >,
        REDIS_DEFAULTS.commandTimeoutMs,
      )
    const settled = await Promise.allSettled([
      ask(user, this.opts.maxFailuresPerUser),
      ask(addr, this.opts.maxFailuresPerIp),
    ])
    const [u, a] = settled
    if (u.status === 'rejected' || a.status === 'rejected') {
      // Not awaited: leases expire anyway, and a Redis that stopped answering would hold the 503 another deadline.
      void this.settle([user, addr], id, 'release').catch(() => {})
      throw new StoreUnavailableError(
        u.status === 'rejected' ? u.reason : (a as PromiseRejectedResult).reason,
      )
    }
    const [uOk, uWait] = u.value.map(Number) as [number, number]
    const [aOk, aWait] = a.value.map(Number) as [number, number]
    if (uOk !== 1 || aOk !== 1) {
      const granted = [uOk === 1 ? user : null, aOk === 1 ? addr : null].filter((k) => k !== null)
      if (granted.length > 0) await this.settle(granted, id, 'release').catch(() => {})
      return { allowed: false, retryAfterSeconds: Math.ceil(Math.max(uWait, aWait) / 1000) }
    }
    let open = true
    const close = (outcome: Outcome, keysFor: (o: Outcome) => string[][]) => {
      if (!open) return Promise.resolve()
      open = false
      return this.settle(keysFor(outcome), id, outcome)
    }
    const both = () => [user, addr]
    const reservation: Reservation = {
      // A failure counts for the account and the address; a success clears the account only.
      failure: () => close('failure', both),
      success: async () => {
        if (!open) return
        open = false
        await Promise.all([this.settle([user], id, 'success'), this.settle([addr], id, 'release')])
      },
      release: () => close('release', both),
    }
    return { allowed: true, reservation }
  }

  private async settle(keys: string[][], id: string, outcome: Outcome): Promise<void> {
    const now = this.clock()
    try {
      await withDeadline(
        Promise.all(keys.map((k) => SETTLE.run(this.redis.client, k, [now, this.windowMs, id, outcome]))),
        REDIS_DEFAULTS.commandTimeoutMs,
      )
    } catch (err) {
      throw new StoreUnavailableError(err)
    }
  }

  private keys(kind: 'tu' | 'ti', value: string): string[] {
    const h = createHash('sha256').update(value).digest('hex').slice(0, 32)
    return [this.redis.key(`{${kind}:${h}}:f`), this.redis.key(`{${kind}:${h}}:p`)]
  }
}
