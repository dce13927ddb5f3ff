import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { clientIp, crossSiteGuard, demoAssets, staticAsset, toErrorResponse } from '@auth-lab/shared'
import { Hono } from 'hono'
import { secureHeaders } from 'hono/secure-headers'
import type { ChildServers } from './children.js'
import type { Inspector } from './inspect.js'
import { LAB_CSS } from './page/lab-css.js'
import { LAB_HTML } from './page/lab-html.js'
import { LAB_JS } from './page/lab-js.js'
import { RACE_HTML, RACE_JS } from './page/race.js'
import { XSS_DRILL_JS } from './page/xss-drill.js'
import type { Pocket } from './pocket.js'
import { proxy } from './proxy.js'
import { mountLabApi } from './routes/lab-api.js'

export interface LabDeps {
  children: ChildServers
  inspector: Inspector
  pocket: Pocket
  root: string
  raceReportPath: string
  clock?: () => number
  /**
   * The lab's own origins (`http(s)://localhost:<port>`, `…127.0.0.1:<port>`): the only ones its API accepts
   * state changes from. Empty: only requests without an Origin (tests through `app.request`, curl).
   */
  origins?: readonly string[]
  /**
   * LAB_ALLOW_REMOTE=1: answer peers that are not on loopback (a lab in a container reached through a published
   * port). Off by default (review H2).
   */
  allowRemote?: boolean
}

/**
 * The lab front: the side-by-side page and its assets, the same-origin proxy to each child instance, and the
 * lab-only inspection API. No `listen` here (lab.ts serves it).
 *
 * The page's own headers: a strict CSP of its own (scripts, styles, frames only from this origin; nothing inline),
 * which also lets the race section frame `/race.html`. Proxied responses keep the apps' own headers untouched.
 *
 * @example
 * const app = createApp({ children, inspector, pocket, root, raceReportPath })
 * const res = await app.request('/')
 */
export function createApp(deps: LabDeps): Hono {
  const app = new Hono()
  // DNS rebinding: a page on evil.example that re-points its name at 127.0.0.1 reaches this loopback server as
  // "same origin" and could read /lab/api/state (every user's rows). The browser still sends its own Host, so
  // only the lab's own hosts are answered (review hypothesis, closed here). No origins (tests): no check.
  const hosts = new Set((deps.origins ?? []).map((o) => new URL(o).host))
  if (hosts.size > 0)
    app.use('*', async (c, next) => {
      if (!hosts.has(c.req.header('host') ?? '')) {
        return c.json({ error: 'invalid_request', message: 'this lab answers only on its own host' }, 421)
      }
      await next()
    })
  // Loopback peers only (review H2). The Host allow-list above stops DNS rebinding — a browser sends its own Host —
  // but not a network client, which names any Host it likes: with HOST=0.0.0.0 (a common shell variable, and
  // `pnpm start` passes the environment on) the lab would serve every user's rows, restarts and the pocket's
  // stolen credentials to the network. No socket (app.request in tests): 'unknown', allowed.
  if (!deps.allowRemote)
    app.use('*', async (c, next) => {
      const ip = clientIp(c, false)
      // A real connection whose address cannot be read is refused too (review X2: fail closed).
      const socket = (c.env as { incoming?: unknown } | undefined)?.incoming !== undefined
      if ((socket || ip !== 'unknown') && !isLoopback(ip))
        return c.json(
          { error: 'csrf', message: 'the lab answers only on loopback (LAB_ALLOW_REMOTE=1 to change it)' },
          403,
        )
      await next()
    })
  const forward = proxy(deps.children, deps.pocket)
  for (const spec of deps.children.specs()) {
    app.all(spec.prefix, forward)
    app.all(`${spec.prefix}/*`, forward)
  }

  // The committed sample report, so docs/choosing.md's links (sample-report/report.md#…) and the lab's "sample
  // report" link resolve here too. report.html is static (no script) and styles itself inline: it gets its own
  // policy, registered before the lab's so that one does not overwrite it.
  for (const [file, type] of [
    ['report.html', 'text/html; charset=utf-8'],
    ['report.md', 'text/plain; charset=utf-8'],
  ] as const) {
    const path = join(deps.root, 'docs', 'sample-report', file)
    if (!existsSync(path)) continue
    const body = readFileSync(path, 'utf8')
    app.get(`/docs/sample-report/${file}`, (c) => {
      c.header('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'; img-src data:")
      c.header('X-Content-Type-Options', 'nosniff')
      return staticAsset(body, type)(c, async () => {})
    })
  }

  app.use(
    secureHeaders({
      contentSecurityPolicy: {
        defaultSrc: ["'none'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        connectSrc: ["'self'"],
        imgSrc: ["'self'"],
        frameSrc: ["'self'"],
        frameAncestors: ["'self'"],
        formAction: ["'none'"],
        baseUri: ["'none'"],
      },
      xFrameOptions: 'SAMEORIGIN',
    }),
  )
  app.use('/lab/api/*', async (c, next) => {
    c.header('Cache-Control', 'no-store')
    await next()
  })
  // The lab API restarts servers, plants tokens and sends requests as a stolen credential: a cross-site page must
  // not drive it (found in review: a text/plain POST from a foreign origin restarted an app and made the pocket log
  // in as alice). The apps' own guard, and JSON-only bodies (readJsonObject: 415 otherwise) close the form paths.
  app.use('/lab/api/*', crossSiteGuard(deps.origins ?? []))

  app.get('/', staticAsset(LAB_HTML, 'text/html; charset=utf-8'))
  app.get('/lab.js', staticAsset(LAB_JS, 'text/javascript; charset=utf-8'))
  app.get('/lab.css', staticAsset(LAB_CSS, 'text/css; charset=utf-8'))
  app.get('/race.html', staticAsset(RACE_HTML, 'text/html; charset=utf-8'))
  app.get('/race.js', staticAsset(RACE_JS, 'text/javascript; charset=utf-8'))
  app.get('/xss-drill.js', staticAsset(XSS_DRILL_JS, 'text/javascript; charset=utf-8'))
  // The stylesheet and favicon every Auth Lab page shares (/demo.css, /favicon.svg, /favicon.ico).
  app.route('/', demoAssets())
  for (const doc of ['choosing.md', 'lab.md']) {
    const file = join(deps.root, 'docs', doc)
    if (existsSync(file))
      app.get(`/docs/${doc}`, staticAsset(readFileSync(file, 'utf8'), 'text/plain; charset=utf-8'))
  }

  mountLabApi(app, {
    children: deps.children,
    inspector: deps.inspector,
    pocket: deps.pocket,
    raceReportPath: deps.raceReportPath,
    clock: deps.clock ?? Date.now,
  })

  app.notFound((c) => c.json({ error: 'not_found', message: 'no such resource' }, 404))
  // The apps' mapping: ApiError → its 4xx JSON; anything else a reported 500 with nothing leaked.
  app.onError((err, c) => toErrorResponse(c, err, (e) => console.error('[auth-lab lab] error:', e)))
  return app
}

/** 127.0.0.0/8, ::1 and their IPv4-mapped forms: the peers a loopback tool answers. */
export function isLoopback(ip: string): boolean {
  return /^(127\.|::ffff:127\.)/.test(ip) || ip === '::1'
}
