import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { manualClock } from '../clock.js'
import type { RedisHandle } from '../redis/client.js'
import { openRedis } from '../redis/client.js'
import type { RedisTestServer } from '../redis/test-server.js'
import { startRedisServer } from '../redis/test-server.js'
import type { Reservation } from './login-throttle.js'
import { RedisLoginThrottle } from './redis-login-throttle.js'

const opts = { maxFailuresPerUser: 5, maxFailuresPerIp: 20, windowSeconds: 900 }
let server: RedisTestServer
const handles: RedisHandle[] = []
let prefixes = 0

beforeAll(async () => {
  server = await startRedisServer()
})
afterAll(async () => {
  for (const h of handles) await h.close()
  await server?.stop()
})

/** `n` throttle instances (as on `n` app instances) on one Redis prefix and one clock. */
async function instances(n: number) {
  const clock = manualClock()
  const prefix = `thr${++prefixes}:`
  const list: RedisLoginThrottle[] = []
  for (let i = 0; i < n; i++) {
    const h = await openRedis({ url: server.url, prefix, clientCache: false })
    handles.push(h)
    list.push(new RedisLoginThrottle(h, opts, clock))
  }
  return { clock, list, redis: handles.at(-1)! }
}

async function take(t: RedisLoginThrottle, user: string, ip: string): Promise<Reservation> {
  const r = await t.reserve(user, ip)
  if (!r.allowed) throw new Error('refused')
  return r.reservation
}

describe('RedisLoginThrottle (shared by every instance)', () => {
  it('blocks an account after 5 failures on any instance, until the oldest failure ages out', async () => {
    const { clock, list } = await instances(2)
    for (let i = 0; i < 5; i++) {
      await (await take(list[i % 2]!, 'alice', `10.0.0.${i}`)).failure()
      clock.advance(1000)
    }
    const v = await list[1]!.reserve('alice', '10.9.9.9')
    expect(v).toEqual({ allowed: false, retryAfterSeconds: 900 - 5 })
    expect((await list[0]!.reserve('bob', '10.9.9.9')).allowed).toBe(true)
    clock.advance(896_000)
    expect((await list[0]!.reserve('alice', '10.9.9.9')).allowed).toBe(true)
  })

  it('a success clears the account counter (not the address one); a release counts nothing', async () => {
    const { list } = await instances(1)
    const t = list[0]!
    for (let i = 0; i < 4; i++) await (await take(t, 'alice', 'ip')).failure()
    await (await take(t, 'alice', 'ip')).success()
    for (let i = 0; i < 4; i++) await (await take(t, 'alice', 'ip')).failure()
    const r = await take(t, 'alice', 'ip')
    await r.release()
    await r.failure() // settled already: a no-op
    expect((await t.reserve('alice', 'ip')).allowed).toBe(true)
  })

  it('200 concurrent attempts over 4 instances: exactly `limit` get through (F1 across instances)', async () => {
    const { list } = await instances(4)
    const results = await Promise.all(
      Array.from({ length: 200 }, (_, i) => list[i % 4]!.reserve('alice', `198.51.100.${i % 250}`)),
    )
    const allowed = results.filter((r) => r.allowed)
    expect(allowed).toHaveLength(opts.maxFailuresPerUser)
    for (const r of results) if (!r.allowed) expect(r.retryAfterSeconds).toBe(1)
    for (const r of allowed) if (r.allowed) await r.reservation.failure()
    const after = await list[0]!.reserve('alice', '203.0.113.1')
    expect(after.allowed).toBe(false)
  })

  it('keeps no usernames or addresses in Redis, and every key has a TTL', async () => {
    const { list, redis } = await instances(1)
    await (await take(list[0]!, 'alice', '192.0.2.7')).failure()
    await take(list[0]!, 'bob', '192.0.2.8') // left in flight
    const keys = await redis.client.keys(redis.key('*'))
    expect(keys.length).toBeGreaterThan(0)
    expect(keys.join(' ')).not.toMatch(/alice|bob|192\.0\.2/)
    for (const k of keys) expect(await redis.client.pTTL(k)).toBeGreaterThan(0)
  })

  it('Redis unreachable: reserve rejects with StoreUnavailableError (→ 503), never "allowed"', async () => {
    const { list, redis } = await instances(1)
    await redis.close()
    await expect(list[0]!.reserve('alice', 'ip')).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' })
  })
})
