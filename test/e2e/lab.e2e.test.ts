import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { launchChromium, PageGuard } from './browser.js'
import type { LabUnderTest } from './lab-harness.js'
import { E2E_ACCESS_TTL, REPORT_DIR, startLabForTests } from './lab-harness.js'
import { RACE_METHOD, runRace } from './race-driver.js'

/**
 * The lab page in headless Chromium: both panes' flows, every experiment, reload, HttpOnly invisibility and the
 * multi-tab refresh race (measured: N = 5 tabs × 20 trials per combination, written to
 * reports/e2e/multi-tab-race.json). One lab and one browser for the whole file (starting three servers is the
 * expensive part); a screenshot of each step goes to reports/e2e/.
 */
let lab: LabUnderTest
let browser: Browser
let context: BrowserContext
let page: Page
const guard = new PageGuard()
let shot = 0

async function screenshot(name: string): Promise<void> {
  shot += 1
  await page.screenshot({
    path: join(REPORT_DIR, `${String(shot).padStart(2, '0')}-${name}.png`),
    fullPage: true,
  })
}

type Row = [pane: string, step: string, result: string, meaning: string]

/** Clicks an experiment button; `done()` returns its result table once the experiment finished as `expected`. */
async function startExperiment(id: string) {
  const before = await page.locator(`.card[data-experiment="${id}"]`).count()
  await page.click(`#${id}`)
  const card = page.locator(`.card[data-experiment="${id}"]`).first()
  await card.waitFor()
  return {
    card,
    async done(timeout = 60_000, expected = 'ok'): Promise<Row[]> {
      await page.waitForFunction(
        ([sel, n]) => document.querySelectorAll(sel as string).length > (n as number),
        [`.card[data-experiment="${id}"][data-done]`, before],
        { timeout },
      )
      // On failure the card's text (its last row says why the experiment stopped) is the message.
      expect(await card.getAttribute('data-done'), (await card.textContent()) ?? '').toBe(expected)
      return card
        .locator('tbody tr')
        .evaluateAll((trs) =>
          trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent ?? '') as Row),
        )
    },
  }
}

/** Clicks an experiment button and returns its result table once the experiment finished. */
async function runExperiment(id: string, timeout = 60_000): Promise<Row[]> {
  return (await startExperiment(id)).done(timeout)
}

/** The experiment buttons besides the expiry one (all of them were locked by its wait before session 10). */
const OTHER_EXPERIMENTS = ['x-replay', 'x-revoke', 'x-password', 'x-steal', 'x-restart', 's-xss', 'j-xss']

const find = (rows: Row[], pane: string, step: RegExp): Row => {
  const row = rows.find((r) => r[0] === pane && step.test(r[1]))
  if (!row) throw new Error(`no row ${pane} / ${step}: ${JSON.stringify(rows)}`)
  return row
}
const status = (row: Row) => Number(row[2].split(' ')[0])

async function restart(id: string, env: Record<string, string>): Promise<void> {
  const res = await fetch(`${lab.url}/lab/api/instances/${id}/restart`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ env }),
  })
  expect(res.status).toBe(200)
}

beforeAll(async () => {
  lab = await startLabForTests()
  browser = await launchChromium()
  context = await browser.newContext({ viewport: { width: 1500, height: 1000 } })
  guard.watch(context)
  page = await context.newPage()
  await page.goto(`${lab.url}/`)
  await page.waitForSelector('body[data-ready="1"]')
}, 120_000)

afterAll(async () => {
  await browser?.close()
  await lab?.stop()
}, 60_000)

describe('the lab page (headless Chromium)', () => {
  it('shows both panes with each instance’s mode, a favicon, and no 404', async () => {
    expect(await page.textContent('#s-badges')).toContain('SESSION_STORE=sqlite')
    expect(await page.textContent('#j-badges')).toContain('REVOCATION=none')
    // The direct links warn that the two JWT apps' own pages share one refresh cookie (one host, one jar).
    const ports = lab.lab.children.status().filter((i) => i.app === 'stateless')
    const shared = (await page.textContent('#shared-rt')) ?? ''
    expect(shared).toContain('share one refresh cookie')
    for (const i of ports) expect(shared).toContain(`:${i.port}`)
    const icon = await fetch(`${lab.url}/favicon.svg`)
    expect(icon.status).toBe(200)
    expect(icon.headers.get('content-type')).toBe('image/svg+xml')
    await screenshot('lab-loaded')
  })

  it('sessions pane: log in, /me, devices; the cookie is HttpOnly; logout’s 204 stays on screen', async () => {
    await page.click('#s-login button[type=submit]')
    await page.waitForFunction(() =>
      document.getElementById('s-status')?.textContent?.includes('Logged in as alice'),
    )
    await page.click('#s-me')
    await page.waitForFunction(() =>
      document.getElementById('s-last')?.textContent?.includes('"mechanism": "session"'),
    )
    await page.click('#s-devices')
    await page.waitForSelector('#s-device-list tr.current')
    expect(await page.evaluate(() => document.cookie)).toBe('')
    expect(await page.textContent('#s-holds')).toMatch(/cookie sid.*HttpOnly/)
    expect(await page.textContent('#s-store')).toContain('SHA-256')
    await screenshot('sessions-logged-in')
    await page.click('#s-logout')
    await page.waitForFunction(() =>
      document.getElementById('s-status')?.textContent?.includes('Logged out (204)'),
    )
    const cookies = await context.cookies()
    expect(cookies.find((c) => c.name === 'sid')).toBeUndefined()
    await screenshot('sessions-logged-out')
  })

  it('JWT pane: log in shows the token and its claims, the refresh chain, and refresh rotates', async () => {
    await page.click('#j-login button[type=submit]')
    await page.waitForFunction(() => document.getElementById('j-payload')?.textContent?.includes('exp:'))
    expect(await page.getAttribute('#j-payload .claim:has-text("sid:")', 'title')).toMatch(/Device/)
    expect(await page.evaluate(() => document.cookie)).toBe('')
    const rt = (await context.cookies()).find((c) => c.name === 'rt')
    expect(rt?.httpOnly).toBe(true)
    expect(rt?.path).toBe('/stateless-none/auth')
    await page.click('#j-refresh')
    await page.waitForFunction(() => document.getElementById('j-status')?.textContent?.includes('Refreshed'))
    // The chain shows the first token used and its child live (the cookie the browser now holds).
    await page.waitForFunction(() =>
      /used .*LIVE/s.test(document.getElementById('j-store')?.textContent ?? ''),
    )
    expect(await page.textContent('#j-store')).toContain('empty because HS256')
    await screenshot('jwt-logged-in')
  })

  it('reload: both panes restore themselves from their HttpOnly cookies', async () => {
    const loggedIn = page.waitForResponse((r) => r.url().endsWith('/stateful/auth/login'))
    await page.click('#s-login button[type=submit]')
    expect((await loggedIn).status()).toBe(200)
    await page.waitForFunction(() => document.getElementById('s-store')?.textContent?.includes('SHA-256'))
    await page.reload()
    await page.waitForSelector('body[data-ready="1"]')
    await page.waitForFunction(() =>
      document.getElementById('s-status')?.textContent?.includes('Restored after reload'),
    )
    await page.waitForFunction(() =>
      document.getElementById('j-status')?.textContent?.includes('Restored after reload'),
    )
    expect(await page.textContent('#j-holds')).toMatch(/chars in a JS variable/)
    await screenshot('reloaded')
  })

  it('replay after logout: sessions refuse, JWT accepts under none, refuses under denylist', async () => {
    const rows = await runExperiment('x-replay')
    expect(status(find(rows, 'Sessions', /replays/))).toBe(401)
    expect(status(find(rows, 'JWT, REVOCATION=none', /replays/))).toBe(200)
    expect(status(find(rows, 'JWT, REVOCATION=denylist', /replays/))).toBe(401)
    await screenshot('experiment-replay')
  })

  it('revoke another device: refused at once except a JWT under none (until exp)', async () => {
    const rows = await runExperiment('x-revoke')
    expect(status(find(rows, 'Sessions', /device B calls/))).toBe(401)
    expect(status(find(rows, 'JWT, REVOCATION=none', /device B calls/))).toBe(200)
    expect(status(find(rows, 'JWT, REVOCATION=denylist', /device B calls/))).toBe(401)
    expect(status(find(rows, 'JWT, REVOCATION=none', /refresh/))).toBe(401)
    await screenshot('experiment-revoke-device')
  })

  it('steal the refresh token and use it twice: reuse detection revokes the family', async () => {
    const rows = await runExperiment('x-steal')
    expect(find(rows, 'JWT, REVOCATION=none', /real browser/)[2]).toBe('401 refresh_token_reused')
    expect(status(find(rows, 'JWT, REVOCATION=none', /thief refreshes again/))).toBe(401)
    await page.waitForFunction(() => document.getElementById('j-store')?.textContent?.includes('reuse'))
    await screenshot('experiment-steal-refresh')
  })

  it('change the password: other devices are cut, except a JWT under none until exp', async () => {
    const rows = await runExperiment('x-password')
    expect(status(find(rows, 'Sessions', /device B/))).toBe(401)
    expect(status(find(rows, 'JWT, REVOCATION=none', /device B calls/))).toBe(200)
    expect(status(find(rows, 'JWT, REVOCATION=denylist', /device B calls/))).toBe(401)
    expect(status(find(rows, 'JWT, REVOCATION=denylist', /device B tries/))).toBe(401)
    // The password really went back (the next experiments log in with it).
    expect(status(find(rows, 'JWT, REVOCATION=denylist', /changes it back/))).toBe(200)
    await screenshot('experiment-password')
  })

  it('let the token expire: accepted inside the clock tolerance, refused after, a refresh recovers', async () => {
    const x = await startExperiment('x-expire')
    const countdown = x.card.locator('.countdown')
    await countdown.waitFor()
    // The wait holds only its own button and the pane's auto refresh, and counts down live.
    const first = await countdown.textContent()
    expect(first).toMatch(/expires in \d+ s/)
    await page.waitForFunction(
      (t) => document.querySelector('.card[data-experiment="x-expire"] .countdown')?.textContent !== t,
      first,
    )
    expect(await page.isDisabled('#x-expire')).toBe(true)
    for (const id of OTHER_EXPERIMENTS) expect(await page.isDisabled(`#${id}`), id).toBe(false)
    expect(await page.isDisabled('#j-auto')).toBe(true)
    expect(await page.isChecked('#j-auto')).toBe(false)
    expect(await page.textContent('#j-auto-paused')).toContain('paused')
    await screenshot('experiment-expire-waiting')
    // Another experiment runs meanwhile (it logs the JWT pane in afresh); the wait goes on and its verdict holds:
    // the expiry steps test the experiment's own copy of the token.
    const revoke = await runExperiment('x-revoke')
    expect(status(find(revoke, 'JWT, REVOCATION=none', /device B calls/))).toBe(200)
    expect(await page.isDisabled('#x-expire')).toBe(true)
    const rows = await x.done((E2E_ACCESS_TTL + 30) * 1000)
    expect(status(find(rows, 'JWT, REVOCATION=none', /just after exp/))).toBe(200)
    expect(status(find(rows, 'JWT, REVOCATION=none', /after exp \+ tolerance/))).toBe(401)
    expect(status(find(rows, 'JWT, REVOCATION=none', /POST \/auth\/refresh/))).toBe(200)
    expect(status(find(rows, 'Sessions', /GET \/me/))).toBe(200)
    expect(await x.card.locator('.countdown').count()).toBe(0)
    expect(await page.isDisabled('#x-expire')).toBe(false)
    expect(await page.isDisabled('#j-auto')).toBe(false)
    expect(await page.isChecked('#j-auto')).toBe(true)
    await screenshot('experiment-expire')
  }, 120_000)

  it('let the token expire, then Cancel: auto refresh back, the pane refreshed, at once', async () => {
    const x = await startExperiment('x-expire')
    await x.card.locator('.countdown').waitFor()
    const clicked = Date.now()
    await x.card.locator('button.cancel').click()
    const rows = await x.done(10_000, 'cancelled')
    expect(Date.now() - clicked).toBeLessThan(5_000)
    expect(find(rows, 'JWT, REVOCATION=none', /cancelled/)[2]).toBe('200')
    // A cancelled card carries no verdict: no red row, no "did not go as predicted" line.
    expect(await x.card.locator('.verdict-bad, p.bad').count()).toBe(0)
    expect(await x.card.locator('.countdown').count()).toBe(0)
    expect(await page.isDisabled('#x-expire')).toBe(false)
    expect(await page.isDisabled('#j-auto')).toBe(false)
    expect(await page.isChecked('#j-auto')).toBe(true)
    expect(await page.textContent('#j-auto-paused')).toBe('')
    expect(await page.textContent('#j-holds')).toMatch(/valid, expires in/)
    await screenshot('experiment-expire-cancelled')
  })

  it('restart: SQLite sessions and persisted keys survive; memory sessions and ephemeral keys do not', async () => {
    let rows = await runExperiment('x-restart', 90_000)
    expect(status(find(rows, 'Sessions', /same cookie/))).toBe(200)
    expect(status(find(rows, 'JWT, REVOCATION=none', /same access token/))).toBe(200)
    await page.selectOption('#x-store', 'memory')
    await page.selectOption('#x-keys', 'ephemeral')
    rows = await runExperiment('x-restart', 90_000)
    expect(status(find(rows, 'Sessions', /same cookie/))).toBe(401)
    expect(status(find(rows, 'JWT, REVOCATION=none', /same access token/))).toBe(401)
    expect(status(find(rows, 'JWT, REVOCATION=none', /refresh/))).toBe(200)
    await screenshot('experiment-restart-ephemeral')
    await restart('stateful', { SESSION_STORE: 'sqlite' })
    await restart('stateless-none', { JWT_KEYS: 'persist' })
  }, 200_000)

  it('the multi-tab race, from the page: strict rotation without coordination kills the family', async () => {
    await page.selectOption('#r-coord', 'none')
    await page.selectOption('#r-grace', '0')
    await page.click('#r-run')
    await page.waitForFunction(
      () => /family/.test(document.getElementById('r-out')?.textContent ?? ''),
      null,
      {
        timeout: 60_000,
      },
    )
    await screenshot('race-in-page')
  }, 90_000)

  it('the multi-tab race in real tabs: 5 tabs × 20 trials per combination', async () => {
    const combinations = await runRace({
      page,
      context,
      labUrl: lab.url,
      restartWithGrace: (grace) => restart('stateless', { REFRESH_GRACE: String(grace) }),
      n: 5,
      trials: 20,
      onCombinationDone: async (tab, client, grace) => {
        await tab.screenshot({ path: join(REPORT_DIR, `race-tab-${client}-grace${grace}.png`) })
      },
    })
    const report = {
      experiment: 'multi-tab-refresh-race',
      date: new Date().toISOString(),
      browser: `Chromium ${browser.version()} (headless, playwright-core)`,
      method: RACE_METHOD,
      combinations,
    }
    writeFileSync(join(REPORT_DIR, 'multi-tab-race.json'), `${JSON.stringify(report, null, 2)}\n`)
    const get = (client: string, grace: number) =>
      combinations.find((c) => String(c.client).startsWith(client) && c.grace === grace) as {
        logouts: number
      }
    expect(get('no coordination', 0).logouts).toBeGreaterThan(0)
    expect(get('Web Locks', 0).logouts).toBe(0)
    // The grace window alone is a mitigation, not a guarantee: it covers only the token rotated LAST, so a tab whose
    // refresh lands after a second rotation (a slower tab sending the newer cookie in between) still trips reuse
    // detection. Measured: 0–1 families lost in 20 trials here; asserted: far fewer than strict rotation.
    expect(get('no coordination', 10).logouts).toBeLessThan(get('no coordination', 0).logouts / 4)
    expect(get('Web Locks', 10).logouts).toBe(0)
    await restart('stateless', { REFRESH_GRACE: '0' })
    await page.reload()
    await page.waitForSelector('body[data-ready="1"]')
    await page.waitForFunction(() => document.querySelector('#r-report table') !== null)
    await screenshot('race-measured')
  }, 240_000)

  it('at 420 px wide, the tables scroll in their own box: the page never scrolls sideways', async () => {
    await page.setViewportSize({ width: 420, height: 900 })
    try {
      // Fill every kind of table: an experiment's card, both stores, both device lists, the race measurement.
      await runExperiment('x-revoke')
      await page.click('#s-devices')
      await page.click('#j-devices')
      await page.waitForSelector('#s-device-list tr.current')
      await page.waitForSelector('#j-device-list tr.current')
      await page.waitForSelector('#s-store table')
      await page.waitForSelector('#j-store table')
      await page.waitForSelector('#r-report table')
      const fits = () =>
        page.evaluate(() => ({
          scrollWidth: document.documentElement.scrollWidth,
          innerWidth: window.innerWidth,
          tablesOutsideABox: [...document.querySelectorAll('table')].filter((t) => !t.closest('.scroll'))
            .length,
        }))
      const m = await fits()
      expect(m.tablesOutsideABox).toBe(0)
      expect(m.scrollWidth).toBeLessThanOrEqual(m.innerWidth)
      await page.screenshot({ path: join(REPORT_DIR, 'lab-420.png') })
      await page
        .locator('#exp-out .card')
        .first()
        .screenshot({ path: join(REPORT_DIR, 'lab-420-card.png') })
      await page.locator('#j-store').screenshot({ path: join(REPORT_DIR, 'lab-420-jwt-store.png') })
      await screenshot('lab-420-full')
      // One race tab at the same width (the frames the race section opens).
      const tab = await context.newPage()
      await tab.setViewportSize({ width: 420, height: 900 })
      await tab.goto(`${lab.url}/race.html?instance=stateless&group=narrow`)
      await tab.waitForSelector('#mode:not(:empty)')
      expect(await tab.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true)
      await tab.close()
    } finally {
      await page.setViewportSize({ width: 1500, height: 1000 })
    }
  }, 90_000)

  it('left no console error, no 404 and no request pending', async () => {
    // The page polls every few seconds, so "pending" means started more than 10 s ago and still unanswered.
    await page.waitForTimeout(1000)
    expect(guard.errors).toEqual([])
    expect(guard.notFound).toEqual([])
    expect(guard.pendingRequests(10_000)).toEqual([])
  })
})

declare global {
  interface Window {
    labRace: {
      conduct(o: { n: number; group: string; prefix: string; username: string; password: string }): Promise<{
        tabs: { via: string; status: number }[]
        refused: number
        familyAlive: boolean
      }>
    }
  }
}
