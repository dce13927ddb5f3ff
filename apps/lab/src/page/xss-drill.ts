import { readFileSync } from 'node:fs'

/**
 * The XSS drill's "attacker" script (lab-only, loaded by the lab page on demand from /xss-drill.js; the apps never
 * serve it): a real .js file beside this module, read once at start.
 */
export const XSS_DRILL_JS = readFileSync(new URL('./xss-drill.client.js', import.meta.url), 'utf8')
