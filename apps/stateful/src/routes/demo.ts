import { demoAssets, staticAsset } from '@auth-lab/shared'
import { Hono } from 'hono'
import { DEMO_JS, demoHtml } from '../demo/page.js'
import type { AppEnv, Deps } from '../env.js'
import { sessionCookie } from '../session/cookie.js'

/** GET / (the demo page), /demo.js, and the shared /demo.css, /demo-common.js and favicon. Public: no session layer. */
export function demoRoutes(deps: Deps): Hono<AppEnv> {
  const { session } = deps.config
  const html = demoHtml({
    labUrl: deps.config.labUrl,
    cookieName: sessionCookie(deps.config.cookieSecure).name,
    store: session.store,
    idleTtlSeconds: session.idleTtlSeconds,
    absoluteTtlSeconds: session.absoluteTtlSeconds,
  })
  return new Hono<AppEnv>()
    .route('/', demoAssets())
    .get('/', staticAsset(html, 'text/html; charset=utf-8'))
    .get('/demo.js', staticAsset(DEMO_JS, 'text/javascript; charset=utf-8'))
}
