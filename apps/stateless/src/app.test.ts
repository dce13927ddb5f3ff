import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { TestApp } from './test-app.js'
import { login, me, testApp } from './test-app.js'

// /metrics is closed without METRICS_TOKEN (issue 10, F9).
const METRICS_TOKEN = 'metrics-token-for-tests-0123456789'
let t: TestApp
beforeAll(async () => {
  t = await testApp({ env: { INSTANCE_ID: 'stateless-test', METRICS_TOKEN } })
})
afterAll(() => t.close())

describe('common routes', () => {
  it('GET /health', async () => {
    const res = await t.app.request('/health')
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ status: 'ok', app: 'stateless', instance: 'stateless-test' })
  })

  it('GET /metrics exports store operations by table, requests and logins', async () => {
    const a = await login(t)
    await me(t, a.accessToken)
    const res = await t.app.request('/metrics', { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })
    expect(res.status).toBe(200)
    const text = await res.text()
    expect(text).toMatch(
      /auth_lab_store_operations_total\{op="read",table="token_denylist",app="stateless"\} \d+/,
    )
    expect(text).toMatch(
      /auth_lab_store_operations_total\{op="write",table="refresh_tokens",app="stateless"\} \d+/,
    )
    expect(text).toMatch(/auth_lab_logins_total\{outcome="success",app="stateless"\} 1/)
    expect(text).toContain('auth_lab_http_requests_total')
  })

  it('GET / serves the demo page with a strict CSP; its script and style are separate same-origin assets', async () => {
    const res = await t.app.request('/')
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toMatch(/^text\/html/)
    const csp = res.headers.get('content-security-policy')!
    expect(csp).toContain("script-src 'self'")
    expect(csp).not.toContain('unsafe-inline')
    const html = await res.text()
    expect(html).toContain('<script type="module" src="/demo.js"></script>')
    expect(html).not.toMatch(/<script>|<style>|\sstyle=|\son[a-z]+=/i)
    expect(html).toContain('localStorage')
    const js = await t.app.request('/demo.js')
    expect(js.headers.get('content-type')).toMatch(/^text\/javascript/)
    const code = await js.text()
    expect(code).toContain('document.cookie')
    expect(code).not.toMatch(/localStorage\.|sessionStorage\.|innerHTML/)
    expect((await t.app.request('/demo.css')).headers.get('content-type')).toMatch(/^text\/css/)
  })

  it('GET /.well-known/jwks.json is an empty set for HS256 (the key is secret)', async () => {
    const res = await t.app.request('/.well-known/jwks.json')
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ keys: [] })
  })

  it('unknown routes are 404 not_found in the shared shape; no CORS reflection', async () => {
    const res = await t.app.request('/nope', { headers: { origin: 'https://evil.example' } })
    expect(res.status).toBe(404)
    expect(await res.json()).toMatchObject({ error: 'not_found' })
    expect(res.headers.get('access-control-allow-origin')).toBeNull()
    const pre = await t.app.request('/auth/refresh', {
      method: 'OPTIONS',
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' },
    })
    expect(pre.headers.get('access-control-allow-origin')).toBeNull()
    expect(pre.headers.get('access-control-allow-credentials')).toBeNull()
  })
})

describe('store failure', () => {
  it('a failing store answers 503 service_unavailable, never a silent 401 or a 500', async () => {
    const s = await testApp()
    const a = await login(s)
    // The deny-list read now fails with a SQLITE_* error, as a broken disk or a lock timeout would.
    s.deps.db.exec('DROP TABLE token_denylist')
    try {
      const res = await me(s, a.accessToken)
      expect(res.status).toBe(503)
      expect(((await res.json()) as { error: string }).error).toBe('service_unavailable')
      expect(res.headers.get('retry-after')).toBe('1')
      expect(s.unexpected).toHaveLength(1) // reported for the operator, not leaked to the client
    } finally {
      s.close()
    }
  })
})
