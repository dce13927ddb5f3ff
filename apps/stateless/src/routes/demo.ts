import { demoAssets, staticAsset } from '@auth-lab/shared'
import { Hono } from 'hono'
import { refreshCookieName } from '../auth/refresh-cookie.js'
import { DEMO_JS, demoHtml } from '../demo/page.js'
import type { AppEnv, Deps } from '../env.js'

/** GET / (the demo page), /demo.js, and the shared /demo.css, /demo-common.js and favicon; nothing inline (CSP). */
export function demoRoutes(deps: Deps): Hono<AppEnv> {
  const { config } = deps
  const html = demoHtml({
    labUrl: config.labUrl,
    cookieName: refreshCookieName(config.cookieSecure),
    revocation: config.revocation,
    alg: config.jwt.alg,
    accessTtl: config.jwt.accessTtl,
    clockTolerance: config.jwt.clockTolerance,
    refreshGrace: config.refresh.grace,
  })
  return new Hono<AppEnv>()
    .route('/', demoAssets())
    .get('/', staticAsset(html, 'text/html; charset=utf-8'))
    .get('/demo.js', staticAsset(DEMO_JS, 'text/javascript; charset=utf-8'))
}
