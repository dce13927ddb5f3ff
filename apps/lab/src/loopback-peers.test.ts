import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readLabConfig } from './config.js'
import { type TestLab, testLab } from './test-lab.js'

/**
 * Review H: the lab front's headers and who may use its API. No child server is started (unused ports).
 */
const ORIGINS = ['http://localhost:3000', 'http://127.0.0.1:3000']
let lab: TestLab
let app: TestLab['app']

/** What @hono/node-server passes as `c.env` for a connection from `address` (getConnInfo reads this). */
const peer = (address: string) => ({
  incoming: { socket: { remoteAddress: address, remotePort: 40000, remoteFamily: 'IPv4' } },
})

beforeAll(async () => {
  lab = await testLab({ users: true, labPort: 3000, origins: ORIGINS })
  app = lab.app
})

afterAll(() => lab.close())

describe('the lab front answers loopback peers (session 11 review H)', () => {
  it('H2: the lab API answers only loopback peers (HOST=0.0.0.0 must not hand every user’s rows to the network)', async () => {
    // A client on the LAN chooses its own Host header, so the DNS-rebinding allow-list (localhost:<port>) does
    // not stop it. From loopback the API works; from 192.0.2.10 it must not (/lab/api/instances stands for the
    // whole API here: /lab/api/state reads every user's rows the same way, with no other check).
    const local = await app.request(
      '/lab/api/instances',
      { headers: { host: 'localhost:3000' } },
      peer('127.0.0.1'),
    )
    expect(local.status).toBe(200)
    const remote = await app.request(
      '/lab/api/instances',
      { headers: { host: 'localhost:3000' } },
      peer('192.0.2.10'),
    )
    const body = await remote.text()
    expect(remote.status, body).toBe(403)
    expect(body).not.toContain('"pid"')
    // Nor may it restart a child or drive the pocket (no Origin: a script, not a browser).
    const restart = await app.request(
      '/lab/api/instances/stateful/restart',
      {
        method: 'POST',
        headers: { host: 'localhost:3000', 'content-type': 'application/json' },
        body: '{}',
      },
      peer('192.0.2.10'),
    )
    expect(restart.status).toBe(403)
  })

  it('LAB_ALLOW_REMOTE=1 (a lab in a container behind a published port) answers other peers; IPv6 loopback and IPv4-mapped loopback count as local', async () => {
    const remoteOk = lab.another({ allowRemote: true })
    const res = await remoteOk.request(
      '/lab/api/instances',
      { headers: { host: 'localhost:3000' } },
      peer('192.0.2.10'),
    )
    expect(res.status).toBe(200)
    for (const ip of ['::1', '::ffff:127.0.0.1', '127.0.0.2']) {
      const local = await app.request('/lab/api/instances', { headers: { host: 'localhost:3000' } }, peer(ip))
      expect(local.status, ip).toBe(200)
    }
    for (const ip of ['::ffff:192.0.2.10', '10.0.0.1', '::2', '1127.0.0.1']) {
      const remote = await app.request(
        '/lab/api/instances',
        { headers: { host: 'localhost:3000' } },
        peer(ip),
      )
      expect(remote.status, ip).toBe(403)
      expect(((await remote.json()) as { error: string }).error).toBe('csrf')
    }
    expect(readLabConfig({ LAB_ALLOW_REMOTE: '1' }).allowRemote).toBe(true)
    expect(readLabConfig({}).allowRemote).toBe(false)
  })

  it('held: the lab page, race tab and API carry a strict CSP, nosniff, no-referrer and clickjacking protection', async () => {
    for (const path of ['/', '/race.html', '/lab/api/instances']) {
      const res = await app.request(path, { headers: { host: 'localhost:3000' } })
      expect(res.status, path).toBe(200)
      const csp = res.headers.get('content-security-policy') ?? ''
      expect(csp, path).toContain("script-src 'self'")
      expect(csp, path).not.toContain('unsafe-inline')
      expect(csp, path).toContain("frame-ancestors 'self'")
      expect(csp, path).toContain("default-src 'none'")
      expect(res.headers.get('x-content-type-options'), path).toBe('nosniff')
      expect(res.headers.get('referrer-policy'), path).toBe('no-referrer')
      expect(res.headers.get('x-frame-options'), path).toBe('SAMEORIGIN')
      expect(res.headers.get('cross-origin-resource-policy'), path).toBe('same-origin')
    }
  })

  it('held: a cross-site or same-site (other localhost port) POST to the lab API is refused', async () => {
    const cases: Record<string, string>[] = [
      { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' },
      { origin: 'http://localhost:3001', 'sec-fetch-site': 'same-site' },
      { origin: 'null' },
    ]
    for (const headers of cases) {
      const res = await app.request('/lab/api/pocket/stateful/thief/request', {
        method: 'POST',
        headers: { host: 'localhost:3000', 'content-type': 'application/json', ...headers },
        body: JSON.stringify({ method: 'GET', path: '/me' }),
      })
      expect(res.status).toBe(403)
    }
  })
})
