/**
 * The stateful app on Redis when Redis stops answering without closing the connection, and a store error after a
 * password change committed (session-9 review B).
 */
import net from 'node:net'
import { startRedisServer } from '@auth-lab/shared/redis-test-server'
import { describe, expect, it } from 'vitest'
import { useRedisApps } from './redis-test-apps.js'
import { PASSWORDS } from './test-app.js'

const fx = useRedisApps('rf')
const redisApp = fx.redisApp

/** Resolves to the response status, or 'hung' after `ms`. */
async function within(ms: number, p: Promise<Response>): Promise<number | 'hung'> {
  let timer: NodeJS.Timeout | undefined
  const r = await Promise.race([
    p.then((res) => res.status),
    new Promise<'hung'>((resolve) => {
      timer = setTimeout(() => resolve('hung'), ms)
    }),
  ])
  clearTimeout(timer)
  return r
}

/** A TCP proxy to Redis that can be frozen: stops forwarding without closing (a partition / black hole). */
async function freezableProxy(target: number) {
  let frozen = false
  const pairs: { a: net.Socket; b: net.Socket }[] = []
  const srv = net.createServer((a) => {
    const b = net.connect(target, '127.0.0.1')
    pairs.push({ a, b })
    a.on('data', (d) => {
      if (!frozen) b.write(d)
    })
    b.on('data', (d) => {
      if (!frozen) a.write(d)
    })
    a.on('error', () => b.destroy())
    b.on('error', () => a.destroy())
    a.on('close', () => b.destroy())
    b.on('close', () => a.destroy())
  })
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()))
  const port = (srv.address() as net.AddressInfo).port
  return {
    url: `redis://127.0.0.1:${port}`,
    freeze: () => {
      frozen = true
    },
    close: async () => {
      for (const p of pairs) {
        p.a.destroy()
        p.b.destroy()
      }
      await new Promise<void>((r) => srv.close(() => r()))
    },
  }
}

describe('Redis unreachable without a socket error (paused server / black-holed path)', () => {
  it('Redis paused (SIGSTOP): /me, login and logout answer 503 store_unavailable, never hang (B1)', async () => {
    const own = await startRedisServer()
    try {
      const t = await redisApp({ url: own.url })
      const c = t.client()
      expect((await c.login('alice', PASSWORDS.alice)).status).toBe(200)
      process.kill(own.pid()!, 'SIGSTOP')
      const results = {
        me: await within(4000, c.request('/me')),
        login: await within(4000, t.client().login('bob', PASSWORDS.bob)),
        logout: await within(4000, c.request('/auth/logout', { method: 'POST' })),
      }
      process.kill(own.pid()!, 'SIGCONT')
      console.info('[redis-faults] with redis-server stopped:', results)
      expect(results).toEqual({ me: 503, login: 503, logout: 503 })
    } finally {
      try {
        process.kill(own.pid()!, 'SIGCONT')
      } catch {}
      await own.stop()
    }
  })

  it('client cache: an instance cut off from Redis (no RST) stops serving a session logged out elsewhere (B1)', async () => {
    const proxy = await freezableProxy(fx.server.port)
    fx.onCleanup(() => proxy.close())
    const a = await redisApp({ cache: true })
    const b = await redisApp({ cache: true, url: proxy.url, share: { db: a.dbPath, prefix: a.prefix } })
    const onA = a.client()
    await onA.login('alice', PASSWORDS.alice)
    const cookie = { headers: { cookie: `sid=${onA.cookie}` } }
    expect((await b.app.request('/me', cookie)).status).toBe(200)
    expect((await b.app.request('/me', cookie)).status).toBe(200) // from B's memory
    proxy.freeze()
    expect((await onA.request('/auth/logout', { method: 'POST' })).status).toBe(204) // committed in Redis
    expect((await a.app.request('/me', cookie)).status).toBe(401)
    const seen: number[] = []
    for (let i = 0; i < 5; i++) {
      await new Promise((r) => setTimeout(r, 1000))
      seen.push((await b.app.request('/me', cookie)).status)
    }
    console.info('[redis-faults] B /me for the logged-out session, once a second for 5 s:', seen)
    // The heartbeat (500 ms) clears B's cache once a PING goes unanswered; its reads then time out: 503, never 200.
    expect(seen).toEqual([503, 503, 503, 503, 503])
  })
})

describe('client cache after a reconnect', () => {
  it('tracking is back after a reconnect: a later logout on A still reaches B', async () => {
    const a = await redisApp({ cache: true })
    const b = await redisApp({ cache: true, share: { db: a.dbPath, prefix: a.prefix } })
    const readyBefore = b.deps.redis!.readyCount()
    const id = await b.deps.redis!.client.clientId()
    await fx.admin.client.sendCommand(['CLIENT', 'KILL', 'ID', String(id)])
    const t0 = Date.now()
    while (b.deps.redis!.readyCount() === readyBefore && Date.now() - t0 < 3000)
      await new Promise((r) => setTimeout(r, 10))
    const onA = a.client()
    await onA.login('alice', PASSWORDS.alice)
    const cookie = { headers: { cookie: `sid=${onA.cookie}` } }
    expect((await b.app.request('/me', cookie)).status).toBe(200)
    expect((await b.app.request('/me', cookie)).status).toBe(200)
    expect((await onA.request('/auth/logout', { method: 'POST' })).status).toBe(204)
    const t1 = performance.now()
    let s = 200
    while (performance.now() - t1 < 1000) {
      s = (await b.app.request('/me', cookie)).status
      if (s === 401) break
      await new Promise((r) => setTimeout(r, 5))
    }
    expect(s).toBe(401)
  })
})

describe('password change, Redis error reply after the SQLite commit', () => {
  it('the change stands (204), the device that asked stays logged in, the clean-up error is reported (B3)', async () => {
    const t = await redisApp()
    const c = t.client()
    expect((await c.login('alice', PASSWORDS.alice)).status).toBe(200)
    const client = t.deps.redis!.client as unknown as { hKeys: (k: string) => Promise<string[]> }
    const orig = client.hKeys.bind(client)
    let left = 1
    client.hKeys = (k) => (left-- > 0 ? Promise.reject(new Error('ERR injected error reply')) : orig(k))
    const change = await c.request('/auth/password', {
      method: 'POST',
      json: { current_password: PASSWORDS.alice, new_password: 'alice-new-password' },
    })
    const me = await c.request('/me')
    const oldPw = await t.client().login('alice', PASSWORDS.alice)
    const newPw = await t.client().login('alice', 'alice-new-password')
    console.info(
      `[redis-faults] password change: ${change.status}; then /me: ${me.status}; login old pw: ${oldPw.status}, new pw: ${newPw.status}`,
    )
    expect(change.status).toBe(204)
    expect(me.status).toBe(200)
    expect(oldPw.status).toBe(401)
    expect(newPw.status).toBe(200)
    expect(String(t.errors.at(-1))).toMatch(/injected error reply|store/)
  })
})
