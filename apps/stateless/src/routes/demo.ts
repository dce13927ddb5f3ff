import { staticAsset } from '@auth-lab/shared'
import { Hono } from 'hono'
import { DEMO_CSS, DEMO_HTML, DEMO_JS } from '../demo/page.js'
import type { AppEnv, Deps } from '../env.js'

/** GET / (the demo page) and its two assets; no inline script or style, as the CSP requires. */
export function demoRoutes(_deps: Deps): Hono<AppEnv> {
  return new Hono<AppEnv>()
    .get('/', staticAsset(DEMO_HTML, 'text/html; charset=utf-8'))
    .get('/demo.js', staticAsset(DEMO_JS, 'text/javascript; charset=utf-8'))
    .get('/demo.css', staticAsset(DEMO_CSS, 'text/css; charset=utf-8'))
}
