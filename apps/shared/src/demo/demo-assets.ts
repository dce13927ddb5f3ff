import { Hono } from 'hono'
import { staticAsset } from '../http/static-asset.js'
import { DEMO_COMMON_JS } from './demo-common.js'
import { DEMO_CSS } from './demo-css.js'
import { FAVICON_SVG } from './favicon.js'

/**
 * The assets every Auth Lab page shares, as routes: `/demo.css` (one stylesheet), `/demo-common.js` (the apps'
 * page helpers) and the favicon at `/favicon.svg` and `/favicon.ico` (browsers ask for the latter by default; an
 * SVG served from our own origin, since the CSP allows images from 'self' only, no data: URI).
 *
 * @example
 * new Hono().route('/', demoAssets()).get('/', staticAsset(html, 'text/html; charset=utf-8'))
 */
export function demoAssets(): Hono {
  return new Hono()
    .get('/demo.css', staticAsset(DEMO_CSS, 'text/css; charset=utf-8'))
    .get('/demo-common.js', staticAsset(DEMO_COMMON_JS, 'text/javascript; charset=utf-8'))
    .get('/favicon.svg', staticAsset(FAVICON_SVG, 'image/svg+xml'))
    .get('/favicon.ico', staticAsset(FAVICON_SVG, 'image/svg+xml'))
}
