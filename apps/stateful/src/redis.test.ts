/**
 * SESSION_STORE=redis end to end, over a real redis-server (one for this file; the fault tests start their own):
 * what `/me` costs in Redis commands, every key with a TTL after a scripted session, 503 (never 401) while Redis is
 * down and recovery within about a second, a committed logout that stays committed across a Redis restart, and
 * the client-side cache (REDIS_CLIENT_CACHE=1): served from memory, refused on instance B within milliseconds of a
 * logout on instance A, flushed when the connection drops.
 */
import { openRedis } from '@auth-lab/shared'
import { startRedisServer } from '@auth-lab/shared/redis-test-server'
import { describe, expect, it } from 'vitest'
import { useRedisApps } from './redis-test-apps.js'
import { PASSWORDS } from './test-app.js'

const fx = useRedisApps('sf')
const redisApp = fx.redisApp

/** Commands the server received (MONITOR, script-internal commands excluded) while `fn` ran. */
async function commandsDuring(fn: () => Promise<unknown>): Promise<string[]> {
  const mon = await openRedis({ url: fx.server.url, prefix: '', clientCache: false })
  const seen: string[] = []
  await mon.client.monitor((line: string) => {
    if (!line.includes(' lua]')) seen.push(line.replace(/^[\d.]+ \[[^\]]*\] /, ''))
  })
  await fn()
  await fx.admin.client.ping() // a marker: everything before it has been seen once the marker is
  for (let i = 0; i < 50 && !seen.some((l) => l.startsWith('"PING"') || l.startsWith('"ping"')); i++) {
    await new Promise((r) => setTimeout(r, 10))
  }
  await mon.close()
  return seen.filter((l) => !/^"(ping|PING)"/.test(l))
}

describe('stateful on Redis: cost of GET /me', () => {
  it('is ONE Redis command (HGETALL) plus one users read; a touch adds one script; cached: zero', async () => {
    const t = await redisApp()
    const c = t.client()
    expect((await c.login('alice', PASSWORDS.alice)).status).toBe(200)
    const users0 = t.deps.metrics.store.get('read', 'users')
    const plain = await commandsDuring(async () => expect((await c.request('/me')).status).toBe(200))
    expect(plain).toHaveLength(1)
    expect(plain[0]).toMatch(/^"HGETALL" "sf\d+:s:[0-9a-f]{64}"$/i)
    expect(t.deps.metrics.store.get('read', 'users') - users0).toBe(1)
    t.clock.advance(61_000) // past the touch interval: the first touch also loads the script (NOSCRIPT → EVAL)
    await c.request('/me')
    t.clock.advance(61_000)
    const touched = await commandsDuring(async () => expect((await c.request('/me')).status).toBe(200))
    expect(touched.map((l) => l.split(' ')[0]?.toUpperCase())).toEqual(['"HGETALL"', '"EVALSHA"'])

    const cached = await redisApp({ cache: true })
    const k = cached.client()
    await k.login('alice', PASSWORDS.alice)
    await k.request('/me') // fills the cache
    const hits = await commandsDuring(async () => {
      for (let i = 0; i < 5; i++) expect((await k.request('/me')).status).toBe(200)
    })
    expect(hits).toEqual([])
  })
})

describe('stateful on Redis: keys', () => {
  it('every key has a TTL after a scripted session (logins, failures, touch, list, revoke, password, logout)', async () => {
    const t = await redisApp()
    const [a, b, c] = [t.client(), t.client(), t.client()]
    await a.login('alice', PASSWORDS.alice)
    await b.login('alice', PASSWORDS.alice)
    await c.login('bob', PASSWORDS.bob)
    await t.client().login('alice', 'wrong-password') // throttle keys
    t.clock.advance(61_000)
    await a.request('/me') // touch
    const list = (await (await a.request('/auth/sessions')).json()) as {
      sessions: { id: string; current: boolean }[]
    }
    await a.request(`/auth/sessions/${list.sessions.find((s) => !s.current)!.id}`, { method: 'DELETE' })
    await a.request('/auth/password', {
      method: 'POST',
      json: { current_password: PASSWORDS.alice, new_password: 'alice-new-password' },
    })
    await c.request('/auth/logout', { method: 'POST' })
    await t.client().login('bob', PASSWORDS.bob)
    const keys: string[] = []
    for await (const batch of fx.admin.client.scanIterator({ MATCH: `${t.prefix}*`, COUNT: 100 }))
      keys.push(...batch)
    expect(keys.length).toBeGreaterThan(3)
    const ttls = await Promise.all(keys.map((k) => fx.admin.client.pTTL(k)))
    expect(Object.fromEntries(keys.map((k, i) => [k, ttls[i]! > 0]))).toEqual(
      Object.fromEntries(keys.map((k) => [k, true])),
    )
    // The index holds only live sessions: alice's new one, bob's new one.
    expect(await fx.admin.client.hLen(`${t.prefix}{u:${t.ids.alice}}:sessions`)).toBe(1)
    expect(keys.some((k) => k.includes(PASSWORDS.alice))).toBe(false)
  })
})

describe('stateful on Redis: faults', () => {
  it('Redis down: 503 store_unavailable with Retry-After (never 401/500); back within ~1 s; logout stays', async () => {
    const own = await startRedisServer({ appendonly: true, appendfsync: 'always' })
    try {
      const t = await redisApp({ url: own.url })
      const stay = t.client()
      const gone = t.client()
      await stay.login('alice', PASSWORDS.alice)
      await gone.login('bob', PASSWORDS.bob)
      const oldCookie = gone.cookie
      expect((await gone.request('/auth/logout', { method: 'POST' })).status).toBe(204) // committed
      await own.kill()
      for (const res of [
        await stay.request('/me'),
        await t.app.request('/me', { headers: { cookie: `sid=${oldCookie}` } }),
        await t.client().login('alice', PASSWORDS.alice),
        await stay.request('/auth/logout', { method: 'POST' }),
      ]) {
        expect(res.status).toBe(503)
        expect(res.headers.get('retry-after')).toBe('1')
        expect(((await res.json()) as { error: string }).error).toBe('store_unavailable')
      }
      expect(stay.cookie).toBeDefined() // the failed logout did not clear the cookie
      await own.restart()
      const back = Date.now()
      let status = 0
      while (Date.now() - back < 3000) {
        status = (await stay.request('/me')).status
        if (status === 200) break
        await new Promise((r) => setTimeout(r, 20))
      }
      expect(status).toBe(200)
      expect(Date.now() - back).toBeLessThan(1500)
      // The logout committed before the crash is not undone by the restart or the reconnect.
      expect((await t.app.request('/me', { headers: { cookie: `sid=${oldCookie}` } })).status).toBe(401)
      expect(t.errors.length).toBeGreaterThan(0) // the failures were reported, not swallowed
    } finally {
      await own.stop()
    }
  })
})

describe('stateful on Redis: client-side cache across instances', () => {
  it('a logout on instance A is refused on instance B within milliseconds', async () => {
    const a = await redisApp({ cache: true })
    const b = await redisApp({ cache: true, share: { db: a.dbPath, prefix: a.prefix } })
    const delays: number[] = []
    for (let i = 0; i < 20; i++) {
      const onA = a.client()
      await onA.login('alice', PASSWORDS.alice)
      const cookie = { headers: { cookie: `sid=${onA.cookie}` } }
      expect((await b.app.request('/me', cookie)).status).toBe(200)
      expect((await b.app.request('/me', cookie)).status).toBe(200) // from B's memory now
      expect((await onA.request('/auth/logout', { method: 'POST' })).status).toBe(204)
      const t0 = performance.now()
      while ((await b.app.request('/me', cookie)).status !== 401) {
        if (performance.now() - t0 > 1000) throw new Error('instance B kept serving a logged-out session')
        await new Promise((r) => setImmediate(r))
      }
      delays.push(performance.now() - t0)
    }
    delays.sort((x, y) => x - y)
    const p = (q: number) => delays[Math.min(delays.length - 1, Math.floor(delays.length * q))]!.toFixed(2)
    console.info(
      `[redis cache] logout on A → refused on B: p50 ${p(0.5)} ms, p95 ${p(0.95)} ms, max ${p(1)} ms`,
    )
    expect(delays[Math.floor(delays.length * 0.95)]).toBeLessThan(50)
  })

  it('a dropped connection flushes the cache: an invalidation lost while disconnected cannot keep a session', async () => {
    const a = await redisApp({ cache: true })
    const b = await redisApp({ cache: true, share: { db: a.dbPath, prefix: a.prefix } })
    const onA = a.client()
    await onA.login('alice', PASSWORDS.alice)
    const cookie = { headers: { cookie: `sid=${onA.cookie}` } }
    await b.app.request('/me', cookie)
    expect((await b.app.request('/me', cookie)).status).toBe(200) // cached in B
    const readyBefore = b.deps.redis!.readyCount()
    const id = await b.deps.redis!.client.clientId()
    // Cut B off, log out on A while B cannot hear the invalidation, let B reconnect.
    await fx.admin.client.sendCommand(['CLIENT', 'KILL', 'ID', String(id)])
    expect((await onA.request('/auth/logout', { method: 'POST' })).status).toBe(204)
    const t0 = Date.now()
    while (b.deps.redis!.readyCount() === readyBefore && Date.now() - t0 < 3000) {
      await new Promise((r) => setTimeout(r, 10))
    }
    expect(b.deps.redis!.readyCount()).toBe(readyBefore + 1)
    expect((await b.app.request('/me', cookie)).status).toBe(401)
  })
})
