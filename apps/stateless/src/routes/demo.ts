import { staticAsset } from '@auth-lab/shared'
import type { Hono } from 'hono'
import { DEMO_CSS, DEMO_HTML, DEMO_JS } from '../demo/page.js'
import type { StatelessEnv } from '../middleware/require-access-token.js'

/** GET / (the demo page) and its two assets; no inline script or style, as the CSP requires. */
export function registerDemo(app: Hono<StatelessEnv>): void {
  app.get('/', staticAsset(DEMO_HTML, 'text/html; charset=utf-8'))
  app.get('/demo.js', staticAsset(DEMO_JS, 'text/javascript; charset=utf-8'))
  app.get('/demo.css', staticAsset(DEMO_CSS, 'text/css; charset=utf-8'))
}
