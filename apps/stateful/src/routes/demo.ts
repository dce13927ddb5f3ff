import { staticAsset } from '@auth-lab/shared'
import type { Hono } from 'hono'
import { DEMO_CSS, DEMO_HTML, DEMO_JS } from '../demo/page.js'
import type { AppEnv } from '../types.js'

/** GET / (the demo page), /demo.js and /demo.css. No session layer: the page itself is public. */
export function mountDemo(app: Hono<AppEnv>): void {
  app.get('/', staticAsset(DEMO_HTML, 'text/html; charset=utf-8'))
  app.get('/demo.js', staticAsset(DEMO_JS, 'text/javascript; charset=utf-8'))
  app.get('/demo.css', staticAsset(DEMO_CSS, 'text/css; charset=utf-8'))
}
