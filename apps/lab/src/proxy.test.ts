import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { connect } from 'node:net'
import { createNodeServer } from '@auth-lab/shared'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type TestLab, testLab } from './test-lab.js'

/**
 * What the proxy forwards, against an echo server standing in for an instance (its port is the stateful
 * instance's; no child is started): the headers a client must not be able to claim through the lab never arrive.
 */
let echo: Server
let lab: TestLab
let app: TestLab['app']

beforeAll(async () => {
  echo = createServer((req, res) => {
    res.setHeader('content-type', 'application/json')
    res.end(JSON.stringify(req.headers))
  })
  await new Promise<void>((r) => echo.listen(0, '127.0.0.1', r))
  lab = await testLab({ stateful: (echo.address() as AddressInfo).port })
  app = lab.app
})

afterAll(async () => {
  lab.close()
  await new Promise((r) => echo.close(r))
})

describe('the lab proxy', () => {
  it('drops forwarding and hop-by-hop headers a client sends (review finding: X-Forwarded-For reached the apps)', async () => {
    const res = await app.request('/stateful/me', {
      headers: {
        'X-Forwarded-For': '203.0.113.7',
        Forwarded: 'for=203.0.113.7',
        'X-Real-IP': '203.0.113.7',
        'X-Forwarded-Host': 'evil.example',
        'Proxy-Authorization': 'Basic eA==',
        TE: 'trailers',
        Connection: 'keep-alive, X-Secret-Hop',
        'X-Secret-Hop': 'gone',
        'X-Kept': 'kept',
      },
    })
    expect(res.status).toBe(200)
    const seen = (await res.json()) as Record<string, string>
    for (const h of [
      'x-forwarded-for',
      'forwarded',
      'x-real-ip',
      'x-forwarded-host',
      'proxy-authorization',
      'te',
      'x-secret-hop',
    ])
      expect(seen[h], h).toBeUndefined()
    expect(seen['x-kept']).toBe('kept')
  })

  it('forwards a request without a Connection header (the hop-by-hop list must not choke on its absence)', async () => {
    expect((await app.request('/stateful/health')).status).toBe(200)
  })

  it('answers 400, not "not running", for a method fetch cannot forward (TRACE, over a real socket)', async () => {
    const server = createNodeServer({ fetch: app.fetch, host: '127.0.0.1' })
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
    const port = (server.address() as AddressInfo).port
    try {
      const reply = await new Promise<string>((resolve, reject) => {
        const s = connect(port, '127.0.0.1')
        let out = ''
        s.on('data', (d) => {
          out += d
        })
        s.on('error', reject)
        s.on('close', () => resolve(out))
        s.end('TRACE /stateful/me HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n')
      })
      expect(reply).toMatch(/^HTTP\/1\.1 400 /)
      expect(reply).toContain('"error":"invalid_request"')
    } finally {
      server.closeAllConnections()
      await new Promise((r) => server.close(r))
    }
  })

  it("answers only on the lab's own hosts (DNS rebinding)", async () => {
    const guarded = lab.another({ origins: ['http://localhost:3000', 'http://127.0.0.1:3000'] })
    const at = (host: string) => guarded.request('http://x/lab/api/instances', { headers: { host } })
    expect((await at('localhost:3000')).status).toBe(200)
    expect((await at('127.0.0.1:3000')).status).toBe(200)
    const rebound = await at('evil.example')
    expect(rebound.status).toBe(421)
    expect(await rebound.json()).toMatchObject({ error: 'invalid_request' })
  })

  it("serves the sample report so choosing.md's links resolve, with a policy that allows no script", async () => {
    const html = await app.request('/docs/sample-report/report.html')
    expect(html.status).toBe(200)
    expect(html.headers.get('content-type')).toMatch(/^text\/html/)
    expect(html.headers.get('content-security-policy')).toBe(
      "default-src 'none'; style-src 'unsafe-inline'; img-src data:",
    )
    expect(await html.text()).toContain('Auth Lab benchmark report')
    const md = await app.request('/docs/sample-report/report.md')
    expect(md.status).toBe(200)
    expect(md.headers.get('content-type')).toMatch(/^text\/plain/)
  })
})
