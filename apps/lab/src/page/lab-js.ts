import { readFileSync } from 'node:fs'

/** The lab page's script: a real .js file beside this module (no bundler; read once at start, served from memory). */
export const LAB_JS = readFileSync(new URL('./lab.client.js', import.meta.url), 'utf8')
