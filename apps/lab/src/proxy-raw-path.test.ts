import { createServer, type IncomingMessage, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type TestLab, testLab } from './test-lab.js'

/**
 * Review H1 (session 11): the proxy picked the instance from Hono's DECODED path (`c.req.path`, decodeURI) but cut
 * the prefix off the RAW `url.pathname` and glued the rest straight after `http://127.0.0.1:<port>`. A prefix
 * written with a percent-escape (`/stateless-non%65` = `/stateless-none`) matched the instance, yet the raw rest was
 * `65`, so the upstream URL became `http://127.0.0.1:<port>65`: another port on loopback. Fixed by matching on the
 * raw path. Echo servers stand in for the instances (no child is started).
 */
const seen: { server: string; url: string; headers: IncomingMessage['headers'] }[] = []
const servers: Server[] = []
let lab: TestLab
let app: TestLab['app']
let statefulPort = 0
let nonePort = 0
let strayPort = 0

function echo(name: string, port: number): Promise<Server | null> {
  const s = createServer((req, res) => {
    seen.push({ server: name, url: req.url ?? '', headers: req.headers })
    res.setHeader('content-type', 'application/json')
    res.end(JSON.stringify({ server: name, url: req.url }))
  })
  return new Promise((resolve) => {
    s.once('error', () => resolve(null))
    s.listen(port, '127.0.0.1', () => {
      servers.push(s)
      resolve(s)
    })
  })
}

beforeAll(async () => {
  const stateful = await echo('stateful', 0)
  if (!stateful) throw new Error('no free port for the stateful echo server')
  statefulPort = (stateful.address() as AddressInfo).port
  // The stateless-none instance on a low port P (not listening: nothing may reach it in this test); the "stray"
  // service a request must never reach listens on P·100 + 65, i.e. "<P>65".
  for (let p = 400; p <= 654 && strayPort === 0; p++) {
    const s = await echo('stray', p * 100 + 65)
    if (s) {
      nonePort = p
      strayPort = p * 100 + 65
    }
  }
  lab = await testLab({ stateful: statefulPort, statelessNone: nonePort })
  app = lab.app
})

afterAll(async () => {
  lab.close()
  for (const s of servers) await new Promise((r) => s.close(r))
})

describe('the proxy target (session 11 review H) is always the instance’s own port', () => {
  it('H1: a percent-encoded prefix (/stateless-non%65) never reaches another loopback port', async () => {
    expect(strayPort).toBeGreaterThan(0)
    seen.length = 0
    const res = await app.request('http://localhost/stateless-non%65?x=1', {
      headers: { 'sec-fetch-site': 'same-origin' },
    })
    const body = await res.text()
    // Before the fix the stray service on "<P>65" answered 200 with {"server":"stray"}.
    expect(
      seen.filter((s) => s.server === 'stray'),
      body,
    ).toHaveLength(0)
    expect(body).not.toContain('"stray"')
  })

  it('H1: a percent-encoded prefix reaches the instance at the decoded path, or is refused (never a 503 "not running")', async () => {
    seen.length = 0
    // /statefu%6C/health is /stateful/health: the route matches the stateful instance, but the upstream URL
    // was http://127.0.0.1:<port>6C/health (unparsable), answered as "the stateful server is not running".
    const res = await app.request('http://localhost/statefu%6C/health')
    const body = await res.text()
    expect(res.status, body).not.toBe(503)
    if (res.status === 200) expect(seen.at(-1)?.url).toBe('/health')
  })

  it('held: ordinary paths and dot segments stay on the instance', async () => {
    seen.length = 0
    for (const p of ['/stateful/me', '/stateful/../stateful/me', '/stateful/%2e%2e/stateful/me']) {
      const res = await app.request(`http://localhost${p}`)
      expect(res.status).toBe(200)
    }
    expect(seen.every((s) => s.server === 'stateful' && s.url === '/me')).toBe(true)
    // Absolute-looking rests keep the authority: //evil.example/x is a path on 127.0.0.1.
    seen.length = 0
    const res = await app.request('http://localhost/stateful//evil.example/x')
    expect(res.status).toBe(200)
    expect(seen[0]?.url).toBe('//evil.example/x')
  })

  it('held: Origin and Sec-Fetch-Site reach the app unchanged (its cross-site guard still works through the proxy)', async () => {
    seen.length = 0
    await app.request('http://localhost/stateful/auth/logout', {
      method: 'POST',
      headers: { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site', cookie: 'sid=a; rt=b' },
    })
    const h = seen[0]?.headers
    expect(h?.origin).toBe('https://evil.example')
    expect(h?.['sec-fetch-site']).toBe('cross-site')
    expect(h?.cookie).toBe('sid=a') // the other app's rt is not forwarded
  })

  it('H4 (info): the proxy’s own answers (413, 400, 503) carry the lab’s nosniff / CORP headers', async () => {
    const big = await app.request('http://localhost/stateful/auth/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'content-length': String(70 * 1024) },
      body: 'x'.repeat(70 * 1024),
    })
    expect(big.status).toBe(413)
    const down = await app.request('http://localhost/stateless/me') // port 3: nothing listens
    expect(down.status).toBe(503)
    for (const res of [big, down]) {
      expect(res.headers.get('x-content-type-options')).toBe('nosniff')
      expect(res.headers.get('cross-origin-resource-policy')).toBe('same-origin')
    }
  })
})
