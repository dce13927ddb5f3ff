import type { AddressInfo } from 'node:net'
import { serve } from '@hono/node-server'
import { Hono } from 'hono'
import { afterEach, describe, expect, it } from 'vitest'
import type { BalancerProxy } from './proxy.js'
import { fnv1a, startProxy, stickyKey } from './proxy.js'

type Server = ReturnType<typeof serve>

/** A tiny upstream that echoes who it is and what it received. */
async function upstream(id: string): Promise<{ id: string; url: string; server: Server }> {
  const app = new Hono()
  app.all('*', async (c) => {
    const body = c.req.method === 'GET' ? '' : await c.req.text()
    c.header('set-cookie', `a=${id}; Path=/`, { append: true })
    c.header('set-cookie', `b=${id}; Path=/`, { append: true })
    return c.json({
      id,
      path: c.req.path,
      query: c.req.query('q') ?? null,
      body,
      cookie: c.req.header('cookie') ?? null,
    })
  })
  const server = await new Promise<Server>((resolve) => {
    const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s))
  })
  return { id, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server }
}

const close = (s: Server) =>
  new Promise<void>((resolve) => {
    s.close(() => resolve())
    ;(s as { closeAllConnections?: () => void }).closeAllConnections?.()
  })

let servers: Server[] = []
let proxies: BalancerProxy[] = []
afterEach(async () => {
  await Promise.all(proxies.map((p) => p.close()))
  await Promise.all(servers.map(close))
  servers = []
  proxies = []
})

async function setup(policy: 'round-robin' | 'sticky', n = 3) {
  const ups = await Promise.all(Array.from({ length: n }, (_, i) => upstream(`i${i}`)))
  servers.push(...ups.map((u) => u.server))
  const p = await startProxy({
    upstreams: ups.map(({ id, url }) => ({ id, url })),
    policy,
    downForMs: 60_000,
  })
  proxies.push(p)
  return { p, ups }
}

describe('stickyKey', () => {
  it('prefers the session cookie, then the refresh cookie, then Authorization', () => {
    expect(stickyKey({ cookie: 'x=1; sid=abc; rt=zzz', authorization: 'Bearer t' })).toBe('sid=abc')
    expect(stickyKey({ cookie: '__Host-sid=h' })).toBe('__Host-sid=h')
    expect(stickyKey({ cookie: 'rt=zzz', authorization: 'Bearer t' })).toBe('rt=zzz')
    expect(stickyKey({ authorization: 'Bearer t' })).toBe('authorization=Bearer t')
    expect(stickyKey({ cookie: 'lb=i1' })).toBeNull()
  })
  it('hashes deterministically', () => {
    expect(fnv1a('sid=abc')).toBe(fnv1a('sid=abc'))
    expect(fnv1a('a')).not.toBe(fnv1a('b'))
  })
})

describe('startProxy', () => {
  it('round-robin spreads requests evenly and forwards path, query, body, cookies and both Set-Cookie headers', async () => {
    const { p } = await setup('round-robin')
    const seen: string[] = []
    for (let i = 0; i < 9; i++) {
      const res = await fetch(`${p.url}/me?q=${i}`, { headers: { cookie: 'sid=s1' } })
      const json = (await res.json()) as { id: string; path: string; query: string; cookie: string }
      expect(res.headers.get('x-upstream')).toBe(json.id)
      expect(json.path).toBe('/me')
      expect(json.query).toBe(String(i))
      expect(json.cookie).toBe('sid=s1')
      expect(res.headers.getSetCookie()).toEqual([`a=${json.id}; Path=/`, `b=${json.id}; Path=/`])
      seen.push(json.id)
    }
    expect(seen.slice(0, 3)).toEqual(['i0', 'i1', 'i2'])
    expect(Object.values(p.counts()).map((c) => c.responses)).toEqual([3, 3, 3])
    const post = await fetch(`${p.url}/auth/login`, {
      method: 'POST',
      body: '{"a":1}',
      headers: { 'content-type': 'application/json' },
    })
    expect(((await post.json()) as { body: string }).body).toBe('{"a":1}')
  })

  it('sticky keeps one credential on one upstream and spreads different credentials', async () => {
    const { p } = await setup('sticky')
    const homes = new Set<string>()
    for (let user = 0; user < 30; user++) {
      const ids = new Set<string>()
      for (let i = 0; i < 4; i++) {
        const res = await fetch(`${p.url}/me`, { headers: { cookie: `sid=user-${user}` } })
        ids.add(res.headers.get('x-upstream') ?? '')
        await res.arrayBuffer()
      }
      expect(ids.size).toBe(1)
      homes.add([...ids][0] as string)
    }
    expect(homes.size).toBe(3)
  })

  it('sticky balances credential-less requests round-robin, or by client address when asked', async () => {
    const { p } = await setup('sticky')
    const homes: string[] = []
    for (let i = 0; i < 3; i++) {
      const res = await fetch(`${p.url}/auth/login`, { method: 'POST', body: '{}' })
      homes.push(res.headers.get('x-upstream') ?? '')
      await res.arrayBuffer()
    }
    expect(homes).toEqual(['i0', 'i1', 'i2'])
    const ups = await Promise.all(['a0', 'a1'].map(upstream))
    servers.push(...ups.map((u) => u.server))
    const byAddress = await startProxy({
      upstreams: ups.map(({ id, url }) => ({ id, url })),
      policy: 'sticky',
      stickyFallback: 'address',
    })
    proxies.push(byAddress)
    const seen = new Set<string>()
    for (let i = 0; i < 4; i++) {
      const res = await fetch(`${byAddress.url}/auth/login`, { method: 'POST', body: '{}' })
      seen.add(res.headers.get('x-upstream') ?? '')
      await res.arrayBuffer()
    }
    expect(seen.size).toBe(1) // one client address, one instance
  })

  it('sticky pins a client with its affinity cookie and re-pins it when its instance dies', async () => {
    const { p, ups } = await setup('sticky')
    const first = await fetch(`${p.url}/auth/login`, { method: 'POST', body: '{}' })
    const home = first.headers.get('x-upstream')
    expect(first.headers.getSetCookie()).toContain(`lb=${home}; Path=/; HttpOnly; SameSite=Lax`)
    await first.arrayBuffer()
    for (const id of ['i0', 'i1', 'i2']) {
      const res = await fetch(`${p.url}/me`, { headers: { cookie: `sid=whatever; lb=${id}` } })
      expect(res.headers.get('x-upstream')).toBe(id)
      expect(res.headers.getSetCookie().filter((c) => c.startsWith('lb='))).toEqual([]) // already pinned there
      await res.arrayBuffer()
    }
    await close(ups[2]?.server as Server)
    const moved = await fetch(`${p.url}/me`, { headers: { cookie: 'lb=i2' } })
    expect(moved.status).toBe(200)
    expect(moved.headers.get('x-upstream')).toBe('i0') // the next live instance in order
    expect(moved.headers.getSetCookie()).toContain('lb=i0; Path=/; HttpOnly; SameSite=Lax')
    await moved.arrayBuffer()
  })

  it('fails over from a dead upstream to a live one and answers 502 when none is left', async () => {
    const { p, ups } = await setup('round-robin', 2)
    await close(ups[0]?.server as Server)
    for (let i = 0; i < 4; i++) {
      const res = await fetch(`${p.url}/me`)
      expect(res.status).toBe(200)
      expect(res.headers.get('x-upstream')).toBe('i1')
      await res.arrayBuffer()
    }
    expect(p.counts().i0?.failures).toBe(1) // marked down after the first refusal, then skipped
    expect(p.counts().i1?.responses).toBe(4)
    await close(ups[1]?.server as Server)
    const res = await fetch(`${p.url}/me`)
    expect(res.status).toBe(502)
    expect(((await res.json()) as { error: string }).error).toBe('bad_gateway')
    expect(p.badGateway()).toBe(1)
    servers = []
  })
})
