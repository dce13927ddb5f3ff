import { describe, expect, it } from 'vitest'
import { PASSWORDS, testApp } from '../test-app.js'

/**
 * Review H (injection into HTML/JS): a User-Agent carrying markup is stored with the session and listed back. It
 * must come back as data (JSON, nosniff), and the page that shows it must not be able to run injected script.
 * Held on the current code; kept on record. The pages render with textContent / setAttribute only.
 */
// biome-ignore lint/suspicious/noTemplateCurlyInString: a literal ${…} is part of the hostile input
const XSS_UA = '<img src=x onerror=alert(1)><script>alert(2)</script>"\'`${1}'

describe('a hostile User-Agent in the sessions list (session 11 review H)', () => {
  it('held: is returned verbatim as JSON (application/json, nosniff, strict CSP), never as HTML', async () => {
    const t = await testApp()
    const a = t.client()
    expect((await a.login('alice', PASSWORDS.alice, { headers: { 'user-agent': XSS_UA } })).status).toBe(200)
    const res = await a.request('/auth/sessions')
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toMatch(/^application\/json/)
    expect(res.headers.get('x-content-type-options')).toBe('nosniff')
    const { sessions } = (await res.json()) as { sessions: { user_agent: string }[] }
    expect(sessions[0]?.user_agent).toBe(XSS_UA)
  })

  it('held: the demo page allows no inline script, cannot be framed and does not sniff', async () => {
    const t = await testApp()
    const res = await t.app.request('/')
    expect(res.status).toBe(200)
    const csp = res.headers.get('content-security-policy') ?? ''
    expect(csp).toContain("script-src 'self'")
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval/)
    expect(csp).toContain("frame-ancestors 'none'")
    expect(csp).toContain("base-uri 'none'")
    expect(res.headers.get('x-content-type-options')).toBe('nosniff')
    const html = await res.text()
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/) // no inline <script> blocks
    expect(html).not.toMatch(/\son[a-z]+=/i) // no inline event handlers
  })
})
