import type { AddressInfo } from 'node:net'
import { connect } from 'node:net'
import { Hono } from 'hono'
import { describe, expect, it } from 'vitest'
import { Metrics } from '../metrics/metrics.js'
import { installCommon, requestLogger } from './common.js'
import { crossSiteGuard } from './cross-site.js'
import { ApiError } from './errors.js'
import { readJsonObject } from './json-body.js'
import { createNodeServer } from './serve.js'
import { parseLogin, parsePasswordChange } from './validation.js'

const METRICS_TOKEN = 'metrics-token-for-tests-0123456789'
const withToken = { headers: { authorization: `Bearer ${METRICS_TOKEN}` } }

function app(metricsToken: string | null = METRICS_TOKEN) {
  const metrics = new Metrics('test')
  const errors: unknown[] = []
  const a = new Hono()
  installCommon(a, {
    app: 'test',
    instanceId: 't1',
    metrics,
    logRequests: false,
    metricsToken: metricsToken ?? undefined,
    onUnexpected: (e) => errors.push(e),
  })
  a.use('/w/*', crossSiteGuard(['http://localhost:3001']))
  a.post('/w/echo', async (c) => c.json(parseLogin(await readJsonObject(c))))
  a.post('/w/password', async (c) => c.json(parsePasswordChange(await readJsonObject(c))))
  a.get('/boom', () => {
    throw new Error('secret stack detail SELECT * FROM users')
  })
  a.get('/db', () => {
    throw Object.assign(new Error('SQLITE_BUSY: database is locked'), { code: 'SQLITE_BUSY' })
  })
  a.get('/api-error', () => {
    throw new ApiError('too_many_attempts', 'slow down', { 'Retry-After': '7' })
  })
  return { a, metrics, errors }
}

const json = { 'Content-Type': 'application/json' }
const post = (body: BodyInit, headers: Record<string, string> = json) => ({ method: 'POST', body, headers })

describe('JSON bodies', () => {
  it('accepts a well-formed login body', async () => {
    const res = await app().a.request('/w/echo', post(JSON.stringify({ username: 'alice', password: 'pw' })))
    expect(res.status).toBe(200)
  })

  it.each([
    ['text/plain', 'text/plain'],
    ['form', 'application/x-www-form-urlencoded'],
    ['utf-16 charset', 'application/json; charset=utf-16'],
  ])('refuses %s with 415', async (_n, type) => {
    const res = await app().a.request(
      '/w/echo',
      post('{"username":"a","password":"b"}', { 'Content-Type': type }),
    )
    expect(res.status).toBe(415)
    expect(await res.json()).toMatchObject({ error: 'unsupported_media_type' })
  })

  it('refuses a missing Content-Type with 415', async () => {
    const res = await app().a.request('/w/echo', { method: 'POST', body: '{}' })
    expect(res.status).toBe(415)
  })

  it.each(['{"username":"alice",', 'nul', '', '{"a":1}garbage', '[1,2]', '"str"', 'null'])(
    'answers malformed body %j with 400, no parser text',
    async (body) => {
      const res = await app().a.request('/w/echo', post(body))
      expect(res.status).toBe(400)
      const text = await res.text()
      expect(JSON.parse(text).error).toBe('invalid_request')
      expect(text).not.toMatch(/SyntaxError|at .*\(|stack/i)
    },
  )

  it('answers invalid UTF-8 with 400', async () => {
    const res = await app().a.request('/w/echo', post(new Uint8Array([0x7b, 0xff, 0xfe, 0x7d])))
    expect(res.status).toBe(400)
  })

  it('refuses bodies over 16 KiB with 413, with or without Content-Length', async () => {
    const big = JSON.stringify({ username: 'a', password: 'x'.repeat(20_000) })
    const withLength = await app().a.request(
      '/w/echo',
      post(big, { ...json, 'Content-Length': String(big.length) }),
    )
    expect(withLength.status).toBe(413)
    const stream = new ReadableStream({
      start(ctl) {
        for (let i = 0; i < 64; i++) ctl.enqueue(new TextEncoder().encode('x'.repeat(1024)))
        ctl.close()
      },
    })
    const chunked = await app().a.request('/w/echo', {
      method: 'POST',
      body: stream,
      headers: json,
      duplex: 'half',
    } as RequestInit)
    expect(chunked.status).toBe(413)
  })

  it.each([
    [{}],
    [{ username: 'alice' }],
    [{ username: '', password: '' }],
    [{ username: null, password: null }],
    [{ username: ['alice'], password: 'x' }],
    [{ username: 'alice', password: { $ne: null } }],
    [{ username: 123, password: true }],
    [{ username: 'alice', password: 'x'.repeat(257) }],
  ])('refuses wrong-typed or missing fields %j with 400', async (body) => {
    const res = await app().a.request('/w/echo', post(JSON.stringify(body)))
    expect(res.status).toBe(400)
    expect(await res.json()).toMatchObject({ error: 'invalid_request' })
  })

  it('requires a new password of at least 8 characters', async () => {
    const res = await app().a.request(
      '/w/password',
      post(JSON.stringify({ current_password: 'a', new_password: 'short' })),
    )
    expect(res.status).toBe(400)
  })

  // No UTF-8 form: argon2 and SQLite would see U+FFFD, so distinct passwords would collide (review finding).
  it.each([
    ['/w/echo', { username: 'alice', password: 'pass\ud800word' }, 'password'],
    ['/w/echo', { username: 'al\udfffice', password: 'password-1' }, 'username'],
    ['/w/password', { current_password: 'password-1', new_password: '\ud800'.repeat(10) }, 'new_password'],
  ])('refuses a lone surrogate in %s with 400 naming the field', async (path, fields, field) => {
    const res = await app().a.request(path, post(JSON.stringify(fields)))
    expect(res.status).toBe(400)
    expect(await res.json()).toEqual({
      error: 'invalid_request',
      message: `"${field}" must be well-formed Unicode`,
    })
  })

  it('accepts surrogate pairs (emoji) and NUL as they are', async () => {
    const res = await app().a.request(
      '/w/echo',
      post(JSON.stringify({ username: 'alice', password: 'p😀\u0000w' })),
    )
    expect(res.status).toBe(200)
    expect(((await res.json()) as { password: string }).password).toBe('p😀\u0000w')
  })
})

describe('cross-site guard', () => {
  const body = JSON.stringify({ username: 'alice', password: 'pw' })
  it.each([
    [{ 'Sec-Fetch-Site': 'cross-site' }],
    [{ 'Sec-Fetch-Site': 'same-site' }],
    // Not what a browser sends, but read the way a browser would mean it (review finding).
    [{ 'Sec-Fetch-Site': 'Cross-Site' }],
    [{ 'Sec-Fetch-Site': 'same-origin, cross-site' }],
    [{ Origin: 'https://evil.example' }],
    [{ Origin: 'null' }],
    [{ Origin: 'http://localhost:3001.evil.com' }],
    [{ Origin: 'http://localhost:3002' }],
  ])('refuses %j with 403 csrf', async (h) => {
    const res = await app().a.request('/w/echo', post(body, { ...json, ...h }))
    expect(res.status).toBe(403)
    expect(await res.json()).toMatchObject({ error: 'csrf' })
  })

  it.each([
    [{}],
    [{ Origin: 'http://localhost:3001' }],
    [{ 'Sec-Fetch-Site': 'same-origin' }],
    [{ 'Sec-Fetch-Site': 'none' }],
    [{ 'Sec-Fetch-Site': 'Same-Origin' }],
  ])('lets %j through', async (h) => {
    const res = await app().a.request('/w/echo', post(body, { ...json, ...h }))
    expect(res.status).toBe(200)
  })
})

describe('common middleware', () => {
  it('answers health with the app and instance', async () => {
    const res = await app().a.request('/health')
    expect(await res.json()).toEqual({ status: 'ok', app: 'test', instance: 't1' })
  })

  it('sets the security headers, including a strict CSP', async () => {
    const res = await app().a.request('/health')
    expect(res.headers.get('x-content-type-options')).toBe('nosniff')
    expect(res.headers.get('x-frame-options')).toBe('SAMEORIGIN')
    expect(res.headers.get('content-security-policy')).toContain("default-src 'none'")
    expect(res.headers.get('strict-transport-security')).toBeTruthy()
  })

  it('turns an unexpected error into a bare 500 that leaks nothing', async () => {
    const { a, errors } = app()
    const res = await a.request('/boom')
    expect(res.status).toBe(500)
    const text = await res.text()
    expect(JSON.parse(text)).toEqual({ error: 'internal_error', message: 'internal error' })
    expect(errors).toHaveLength(1)
  })

  it('turns a store error into 503 service_unavailable', async () => {
    const res = await app().a.request('/db')
    expect(res.status).toBe(503)
    expect(await res.json()).toMatchObject({ error: 'service_unavailable' })
    expect(res.headers.get('retry-after')).toBe('1')
  })

  it('carries ApiError headers and no-store', async () => {
    const res = await app().a.request('/api-error')
    expect(res.status).toBe(429)
    expect(res.headers.get('retry-after')).toBe('7')
    expect(res.headers.get('cache-control')).toBe('no-store')
  })

  it('distinguishes unknown paths (404) from wrong methods (405 + Allow)', async () => {
    const { a } = app()
    const missing = await a.request('/nope')
    expect(missing.status).toBe(404)
    expect(await missing.json()).toMatchObject({ error: 'not_found' })
    const wrong = await a.request('/w/echo', { method: 'GET' })
    expect(wrong.status).toBe(405)
    expect(wrong.headers.get('allow')).toBe('POST')
  })

  it('counts requests by route pattern and status in /metrics', async () => {
    const { a } = app()
    await a.request('/health')
    await a.request('/nope')
    const text = await (await a.request('/metrics', withToken)).text()
    expect(text).toMatch(
      /auth_lab_http_requests_total\{method="GET",route="\/health",status="200",app="test"\} 1/,
    )
    expect(text).toContain('auth_lab_store_operations_total')
  })
})

describe('/metrics and /health exposure (issue 10, F9)', () => {
  it('/metrics is 404 when no METRICS_TOKEN is configured', async () => {
    const res = await app(null).a.request('/metrics', withToken)
    expect(res.status).toBe(404)
    expect(await res.json()).toMatchObject({ error: 'not_found' })
  })

  it.each([
    ['no Authorization', {}],
    ['a wrong token', { authorization: 'Bearer wrong-token-wrong-token-00' }],
    ['a token prefix', { authorization: `Bearer ${METRICS_TOKEN.slice(0, 20)}` }],
    ['Basic', { authorization: `Basic ${Buffer.from(`x:${METRICS_TOKEN}`).toString('base64')}` }],
  ])('/metrics with %s → 401 unauthenticated + WWW-Authenticate', async (_l, headers) => {
    const res = await app().a.request('/metrics', { headers })
    expect(res.status).toBe(401)
    expect(res.headers.get('www-authenticate')).toMatch(/^Bearer realm="metrics"/)
    const text = await res.text()
    expect(JSON.parse(text)).toMatchObject({ error: 'unauthenticated' })
    expect(text).not.toContain('auth_lab_')
  })

  it('/metrics with the bearer token → 200, not cacheable', async () => {
    const res = await app().a.request('/metrics', withToken)
    expect(res.status).toBe(200)
    expect(res.headers.get('cache-control')).toBe('no-store')
  })

  it('/health shows no process id', async () => {
    const body = (await (await app().a.request('/health')).json()) as Record<string, unknown>
    expect(Object.keys(body).sort()).toEqual(['app', 'instance', 'status'])
    expect(JSON.stringify(body)).not.toContain(String(process.pid))
  })
})

describe('LOG_REQUESTS (review S7)', () => {
  it('logs method, path, status and time, but never the query string (a credential sent in the URL)', async () => {
    const lines: string[] = []
    const a = new Hono()
    a.use(requestLogger((l) => lines.push(l)))
    a.get('/me', (c) => c.json({}, 401))
    const secret = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl'
    await a.request(`/me?access_token=${secret}&x=1`)
    await a.request('/me')
    expect(lines).toHaveLength(4)
    expect(lines.join('\n')).not.toContain(secret)
    expect(lines[0]).toBe('<-- GET /me?…')
    expect(lines[1]).toMatch(/^--> GET \/me\?… 401 \d+ms$/)
    expect(lines[2]).toBe('<-- GET /me')
    expect(lines[3]).toMatch(/^--> GET \/me 401 \d+ms$/)
  })

  it('never logs a fragment either: a raw request target can carry one (review X4)', async () => {
    const lines: string[] = []
    const a = new Hono()
    a.use(requestLogger((l) => lines.push(l)))
    a.all('*', (c) => c.text('ok'))
    const server = createNodeServer({ fetch: a.fetch, host: '127.0.0.1' })
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
    const { port } = server.address() as AddressInfo
    try {
      for (const target of ['/cb#access_token=SECRET1', '/cb?x=1#SECRET2', 'http://u:SECRET3@127.0.0.1/cb']) {
        await new Promise<void>((resolve) => {
          const s = connect(port, '127.0.0.1', () =>
            s.write(`GET ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`),
          )
          s.on('data', () => {})
          s.on('close', () => resolve())
        })
      }
    } finally {
      server.close()
    }
    expect(lines).toHaveLength(6)
    // Before: `<-- GET /cb#access_token=SECRET1`.
    expect(lines.join('\n')).not.toContain('SECRET')
    expect(lines[0]).toBe('<-- GET /cb#…')
    expect(lines[2]).toBe('<-- GET /cb?…')
    expect(lines[4]).toBe('<-- GET /cb')
  })

  it('is the logger installCommon mounts with logRequests', async () => {
    const lines: string[] = []
    const log = console.log
    console.log = (...args: unknown[]) => lines.push(args.join(' '))
    try {
      const a = new Hono()
      installCommon(a, { app: 'test', instanceId: 't', metrics: new Metrics('test'), logRequests: true })
      await a.request('/health?refresh_token=r-secret-value')
    } finally {
      console.log = log
    }
    expect(lines).toEqual(['<-- GET /health?…', expect.stringMatching(/^--> GET \/health\?… 200 \d+ms$/)])
  })
})
