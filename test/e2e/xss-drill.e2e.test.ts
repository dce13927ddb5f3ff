import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { launchChromium, PageGuard } from './browser.js'
import type { LabUnderTest } from './lab-harness.js'
import { REPORT_DIR, startLabForTests } from './lab-harness.js'

/**
 * The lab's XSS drill in headless Chromium: attacker script in the panes' origin gets nothing from the HttpOnly
 * cookies, but uses the session while the page is open; it reaches the in-memory access token (by wrapping fetch
 * and by refreshing itself), finds a token in localStorage only in the contrast variant, and a stolen bearer
 * token works from another machine while a session cannot be taken away.
 */
let lab: LabUnderTest
let browser: Browser
let page: Page
const guard = new PageGuard()

type Got = Record<string, boolean>

async function drill(id: 's-xss' | 'j-xss'): Promise<Got> {
  const before = await page.locator(`.card[data-experiment="${id}"][data-done]`).count()
  await page.click(`#${id}`)
  await page.waitForFunction(([sel, n]) => document.querySelectorAll(sel as string).length > (n as number), [
    `.card[data-experiment="${id}"][data-done]`,
    before,
  ] as const)
  const card = page.locator(`.card[data-experiment="${id}"]`).first()
  expect(await card.getAttribute('data-done')).toBe('ok')
  return JSON.parse((await card.getAttribute('data-got')) ?? '{}') as Got
}

beforeAll(async () => {
  lab = await startLabForTests()
  browser = await launchChromium()
  const context = await browser.newContext({ viewport: { width: 1500, height: 1000 } })
  guard.watch(context)
  page = await context.newPage()
  await page.goto(`${lab.url}/`)
  await page.waitForSelector('body[data-ready="1"]')
}, 120_000)

afterAll(async () => {
  await browser?.close()
  await lab?.stop()
}, 60_000)

describe('the XSS drill (lab only)', () => {
  it('the apps do not serve the drill', async () => {
    const port = lab.lab.children.status().find((s) => s.id === 'stateful')?.port
    expect((await fetch(`http://127.0.0.1:${port}/xss-drill.js`)).status).toBe(404)
  })

  it('sessions pane: no cookie to read or take away, but the script uses the session', async () => {
    await page.click('#s-login button[type=submit]')
    await page.waitForFunction(() => document.getElementById('s-status')?.textContent?.includes('Logged in'))
    const got = await drill('s-xss')
    expect(got).toEqual({ sessionCookie: false, usedSession: true, worksElsewhere: false })
    await page.screenshot({ path: join(REPORT_DIR, 'xss-drill-sessions.png'), fullPage: true })
  })

  it('JWT pane: the refresh cookie stays hidden; the in-memory token is reachable and works elsewhere', async () => {
    await page.click('#j-login button[type=submit]')
    await page.waitForFunction(() => document.getElementById('j-payload')?.textContent?.includes('exp:'))
    const got = await drill('j-xss')
    expect(got).toEqual({
      refreshCookie: false,
      localStorageToken: false,
      sniffedToken: true,
      mintedToken: true,
      usedSession: true,
      worksElsewhere: true,
    })
    await page.screenshot({ path: join(REPORT_DIR, 'xss-drill-jwt.png'), fullPage: true })
  })

  it('contrast variant: a token kept in localStorage is found by one line of script', async () => {
    await page.check('#j-ls')
    expect(await page.evaluate(() => Object.keys(localStorage).length)).toBeGreaterThan(0)
    expect((await drill('j-xss')).localStorageToken).toBe(true)
    await page.uncheck('#j-ls')
    expect(await page.evaluate(() => Object.keys(localStorage).length)).toBe(0)
    expect((await drill('j-xss')).localStorageToken).toBe(false)
  })

  it('left no console error, no 404 and no request pending', async () => {
    expect(guard.errors).toEqual([])
    expect(guard.notFound).toEqual([])
    expect(guard.pendingRequests(10_000)).toEqual([])
  })
})
