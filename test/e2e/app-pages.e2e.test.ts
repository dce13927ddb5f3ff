import { join } from 'node:path'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { launchChromium, PageGuard } from './browser.js'
import type { LabUnderTest } from './lab-harness.js'
import { REPORT_DIR, startLabForTests } from './lab-harness.js'

/**
 * Each app's own page (not the lab), in headless Chromium, on the app's own port: the shared stylesheet and
 * favicon (no 404), reload keeps you logged in, logout's 204 stays on screen, the countdown and the JWKS explained.
 */
let lab: LabUnderTest
let browser: Browser
let context: BrowserContext
const guard = new PageGuard()

const port = (id: string) => lab.lab.children.status().find((s) => s.id === id)?.port as number

async function open(id: string): Promise<Page> {
  const page = await context.newPage()
  await page.goto(`http://localhost:${port(id)}/`)
  await page.waitForSelector('body[data-ready="1"]')
  return page
}
const statusHas = (page: Page, text: string) =>
  page.waitForFunction((t) => document.getElementById('status')?.textContent?.includes(t), text)

beforeAll(async () => {
  lab = await startLabForTests()
  browser = await launchChromium()
  context = await browser.newContext({ viewport: { width: 1200, height: 900 } })
  guard.watch(context)
}, 120_000)

afterAll(async () => {
  await browser?.close()
  await lab?.stop()
}, 60_000)

describe('the apps’ own pages (headless Chromium)', () => {
  it('both pages share the stylesheet, the title pattern, the links and a favicon', async () => {
    for (const id of ['stateful', 'stateless']) {
      const page = await open(id)
      expect(await page.title()).toMatch(/^Auth Lab: /)
      expect(await page.getAttribute('link[rel=icon]', 'href')).toBe('/favicon.svg')
      expect(await page.getAttribute('link[rel=stylesheet]', 'href')).toBe('/demo.css')
      // The link goes where the lab really runs (LAB_URL, set by the lab on its children), not a fixed :3000.
      expect(await page.locator(`nav a[href="${new URL(lab.url).origin}/"]`).count()).toBe(1)
      expect(await page.locator('nav a[href$="docs/choosing.md"]').count()).toBe(1)
      const headings = await page.locator('section.pane h3').allTextContents()
      expect(headings).toEqual([
        'What the browser holds',
        'What the server stores for this user now',
        'Devices (GET /auth/sessions)',
        'Last request / response',
        'What the error codes mean',
      ])
      const css = await fetch(`http://localhost:${port(id)}/demo.css`)
      expect(css.status).toBe(200)
      expect(await css.text()).toBe(await (await fetch(`${lab.url}/demo.css`)).text())
      const ico = await fetch(`http://localhost:${port(id)}/favicon.ico`)
      expect(ico.status).toBe(200)
      expect(ico.headers.get('content-type')).toBe('image/svg+xml')
      await page.close()
    }
  })

  it('sessions page: a wrong password is explained; reload keeps you logged in; logout’s 204 stays', async () => {
    const page = await open('stateful')
    await page.fill('#login input[name=password]', 'wrong-password')
    await page.click('#login button[type=submit]')
    await statusHas(page, 'invalid_credentials')
    // The code comes with its explanation in words (the legend explains the same codes).
    expect(await page.textContent('#status')).toMatch(/401 invalid_credentials — \S+/)
    expect(await page.textContent('#legend')).toContain('too_many_attempts')
    await page.fill('#login input[name=password]', 'alice-demo-pass')
    await page.click('#login button[type=submit]')
    await statusHas(page, 'Logged in as alice')
    expect(await page.textContent('#holds')).toContain('HttpOnly')
    expect(await page.evaluate(() => document.cookie)).toBe('')
    await page.reload()
    await page.waitForSelector('body[data-ready="1"]')
    await statusHas(page, 'Restored after reload')
    expect(await page.textContent('#store')).toMatch(/SHA-256.*ends in/)
    await page.click('#devices')
    await page.waitForSelector('#device-list tr.current')
    await page.screenshot({ path: join(REPORT_DIR, 'app-stateful.png'), fullPage: true })
    const meAfter = page.waitForResponse((r) => r.url().endsWith('/me'))
    await page.click('#logout')
    expect((await meAfter).status()).toBe(401)
    await statusHas(page, 'Logged out (204)')
    // The /me 401 that follows the logout did not replace the logout's own result.
    expect(await page.locator('#status div').first().textContent()).toContain('Logged out (204)')
    await page.close()
  })

  it('JWT page: countdown, claims explained, JWKS explained, reload restores, logout’s 204 stays', async () => {
    const page = await open('stateless')
    await page.click('#login button[type=submit]')
    await statusHas(page, 'Logged in as alice')
    await page.waitForFunction(() =>
      document.getElementById('holds')?.textContent?.includes('valid, expires in'),
    )
    for (const claim of ['ver', 'sid', 'ep'])
      expect(await page.getAttribute(`#jwt-payload .claim:has-text("${claim}:")`, 'title')).toBeTruthy()
    expect(await page.textContent('#jwt-payload')).toMatch(/exp: \d+ \(in \d+ s\)/)
    expect(await page.textContent('#store')).toMatch(/empty because HS256 is symmetric/)
    expect(await page.evaluate(() => document.cookie)).toBe('')
    await page.reload()
    await page.waitForSelector('body[data-ready="1"]')
    await statusHas(page, 'Restored after reload')
    await page.click('#me')
    await statusHas(page, 'GET /me: 200')
    expect(await page.textContent('#last')).toContain('"username": "alice"')
    await page.screenshot({ path: join(REPORT_DIR, 'app-stateless.png'), fullPage: true })
    await page.click('#logout')
    await statusHas(page, 'Logged out (204)')
    await page.close()
  })

  it('the two JWT pages share one refresh cookie: both say so, and a refresh that lands in another login says so', async () => {
    // Cookies are per host, not per port: both stateless servers set `rt` at Path=/auth on localhost.
    const deny = await open('stateless')
    const none = await open('stateless-none')
    for (const page of [deny, none]) {
      const text = (await page.textContent('#shared-cookie')) ?? ''
      expect(text).toContain('shares its refresh cookie with every other JWT page on this host')
      expect(text).toContain('per host, not per port')
    }
    await deny.click('#login button[type=submit]')
    await statusHas(deny, 'Logged in as alice')
    await none.fill('#login input[name=username]', 'bob')
    await none.fill('#login input[name=password]', 'bob-demo-pass')
    await none.click('#login button[type=submit]')
    await statusHas(none, 'Logged in as bob')
    const rts = (await context.cookies()).filter((c) => /(^|-)rt$/.test(c.name))
    expect(rts.map((c) => `${c.domain} ${c.path}`)).toEqual(['localhost /auth'])
    // The denylist page's next refresh sends bob's cookie: it carries on as bob, and says so.
    await deny.click('#refresh')
    await statusHas(deny, 'came from another login')
    expect(await deny.textContent('#status')).toContain('now acts as bob, no longer alice')
    await deny.screenshot({ path: join(REPORT_DIR, 'app-stateless-shared-cookie.png'), fullPage: true })
    // A logout on one ends the other at its next refresh.
    await none.click('#logout')
    await statusHas(none, 'Logged out (204)')
    await deny.click('#refresh')
    await statusHas(deny, 'Refresh: 401')
    await deny.close()
    await none.close()
  })

  it('left no console error, no 404 and no request pending', async () => {
    expect(guard.errors).toEqual([])
    expect(guard.notFound).toEqual([])
    expect(guard.pendingRequests(5_000)).toEqual([])
  })
})
