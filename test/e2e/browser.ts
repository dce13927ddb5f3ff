import { existsSync } from 'node:fs'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { chromium } from 'playwright-core'

/**
 * Chromium for the browser suite: the system's Debian package (CHROMIUM_PATH or /usr/bin/chromium), never a
 * downloaded browser. playwright-core 1.64 drives Chromium 156, the major Debian ships. If no binary exists the
 * suite fails with the one line to run (`.ci/run` installs it).
 */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
]

export function chromiumPath(): string {
  const path = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
  if (!existsSync(path)) {
    throw new Error(`no Chromium at ${path}: run \`apt-get install -y chromium\` (or set CHROMIUM_PATH)`)
  }
  return path
}

/** `extraArgs`: e.g. `--ignore-certificate-errors` for the lab's self-signed certificate in HTTPS mode. */
export function launchChromium(extraArgs: string[] = []): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath(),
    args: [...CHROMIUM_ARGS, ...extraArgs],
    headless: true,
  })
}

/**
 * Watches every page of a context: uncaught errors, console errors, 404s and requests that never finish.
 * Chromium reports an HTTP error status on fetch() as a console error ("Failed to load resource: … status of 401");
 * the lab triggers 401/403/409/429/503 on purpose (that is the experiment), so those are counted apart and only
 * other console errors fail the suite.
 */
export class PageGuard {
  readonly errors: string[] = []
  readonly notFound: string[] = []
  readonly expectedStatusLogs: string[] = []
  private readonly pending = new Map<object, { what: string; at: number; page: Page }>()

  watch(context: BrowserContext): void {
    context.on('page', (p) => this.watchPage(p))
    for (const p of context.pages()) this.watchPage(p)
  }

  private watchPage(page: Page): void {
    page.on('pageerror', (err) => this.errors.push(`pageerror: ${err.message}`))
    page.on('console', (msg) => {
      if (msg.type() !== 'error') return
      const text = msg.text()
      if (/Failed to load resource: the server responded with a status of (401|403|409|429|503)/.test(text)) {
        this.expectedStatusLogs.push(text)
      } else this.errors.push(`console: ${text}`)
    })
    page.on('request', (req) =>
      this.pending.set(req, { what: `${req.method()} ${req.url()}`, at: Date.now(), page }),
    )
    // A reload or navigation discards the old document's requests (Chromium does not always report them failed).
    page.on('framenavigated', (frame) => {
      if (frame !== page.mainFrame()) return
      const now = Date.now()
      for (const [req, p] of this.pending) if (p.page === page && p.at < now - 50) this.pending.delete(req)
    })
    page.on('requestfinished', (req) => this.pending.delete(req))
    page.on('requestfailed', (req) => {
      // A navigation away (reload, close) cancels in-flight requests: that is not a request left pending.
      this.pending.delete(req)
    })
    page.on('response', (res) => {
      if (res.status() === 404) this.notFound.push(res.url())
    })
  }

  /** Requests started more than `olderThanMs` ago that neither finished nor failed. */
  pendingRequests(olderThanMs: number): string[] {
    const now = Date.now()
    return [...this.pending.values()].filter((p) => now - p.at > olderThanMs).map((p) => p.what)
  }
}
