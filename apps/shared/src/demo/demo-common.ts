import { readFileSync } from 'node:fs'

/** The apps' shared page helpers: a real .js file beside this module, read once at start, served at /demo-common.js. */
export const DEMO_COMMON_JS = readFileSync(new URL('./demo-common.client.js', import.meta.url), 'utf8')
