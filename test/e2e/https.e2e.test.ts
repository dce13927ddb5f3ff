import { join } from 'node:path'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { launchChromium, PageGuard } from './browser.js'
import type { LabUnderTest } from './lab-harness.js'
import { REPORT_DIR, startLabForTests } from './lab-harness.js'

/**
 * HTTPS mode (`pnpm start --https`): the lab over TLS with a self-signed certificate (Chromium told to accept it),
 * the apps with COOKIE_SECURE=1. The cookies the browser holds carry the real-deployment prefixes and flags:
 * the session cookie is a `__Host-` cookie (Secure, Path=/; renamed per pane by the proxy, since `__Host-` forbids
 * moving its Path), the refresh cookie a `__Secure-` one scoped to its pane; HSTS is sent.
 */
let lab: LabUnderTest
let browser: Browser
let context: BrowserContext
let page: Page
const guard = new PageGuard()

beforeAll(async () => {
  lab = await startLabForTests({ https: true })
  browser = await launchChromium(['--ignore-certificate-errors'])
  context = await browser.newContext({ viewport: { width: 1500, height: 1000 }, ignoreHTTPSErrors: true })
  guard.watch(context)
  page = await context.newPage()
}, 120_000)

afterAll(async () => {
  await browser?.close()
  await lab?.stop()
}, 60_000)

describe('HTTPS mode', () => {
  it('serves the lab over TLS with HSTS', async () => {
    expect(lab.url).toMatch(/^https:\/\/localhost:\d+$/)
    const res = await page.goto(`${lab.url}/`)
    expect(res?.status()).toBe(200)
    expect(res?.headers()['strict-transport-security']).toMatch(/max-age=\d+/)
    await page.waitForSelector('body[data-ready="1"]')
  })

  it('sessions: a Secure __Host- cookie with Path=/, and the pane still works (login, /me, reload)', async () => {
    await page.click('#s-login button[type=submit]')
    await page.waitForFunction(() => document.getElementById('s-status')?.textContent?.includes('Logged in'))
    const sid = (await context.cookies()).find((c) => c.name.startsWith('__Host-') && c.name.endsWith('sid'))
    expect(sid).toMatchObject({ name: '__Host-stateful.sid', secure: true, httpOnly: true, path: '/' })
    expect((await context.cookies()).some((c) => c.name === 'sid')).toBe(false)
    const me = await page.request.get(`${lab.url}/stateful/me`)
    expect(me.status()).toBe(200)
    expect(me.headers()['strict-transport-security']).toMatch(/max-age=\d+/)
    // The other panes' instances never see this pane's __Host- cookie.
    await page.reload()
    await page.waitForSelector('body[data-ready="1"]')
    await page.waitForFunction(() =>
      document.getElementById('s-status')?.textContent?.includes('Restored after reload'),
    )
  })

  it('JWT: a Secure __Secure-rt refresh cookie scoped to its pane; refresh rotates it', async () => {
    await page.click('#j-login button[type=submit]')
    await page.waitForFunction(() => document.getElementById('j-payload')?.textContent?.includes('exp:'))
    const rt = (await context.cookies()).find((c) => c.name === '__Secure-rt')
    expect(rt).toMatchObject({ secure: true, httpOnly: true, path: '/stateless-none/auth' })
    expect(await page.evaluate(() => document.cookie)).toBe('')
    await page.click('#j-refresh')
    await page.waitForFunction(() => document.getElementById('j-status')?.textContent?.includes('Refreshed'))
    await page.screenshot({ path: join(REPORT_DIR, 'https-mode.png'), fullPage: true })
  })

  it('left no console error, no 404 and no request pending', async () => {
    expect(guard.errors).toEqual([])
    expect(guard.notFound).toEqual([])
    expect(guard.pendingRequests(10_000)).toEqual([])
  })
})
