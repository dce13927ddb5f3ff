import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { repoRoot } from '@auth-lab/shared'
import { afterAll, describe, expect, it } from 'vitest'
import { createApp } from './app.js'
import { ChildServers } from './children.js'
import { readLabConfig } from './config.js'
import { Inspector } from './inspect.js'
import { Pocket } from './pocket.js'

/**
 * The page's own markup and stylesheet through `app.request()` (no child server started). The browser checks of
 * the same (a 420 px viewport never scrolls sideways) are in test/e2e/lab.e2e.test.ts.
 */
const dir = mkdtempSync(join(tmpdir(), 'auth-lab-app-'))
const dbPath = join(dir, 'auth-lab.db')
const config = readLabConfig({
  DB_PATH: dbPath,
  LAB_PORT: '1',
  STATEFUL_PORT: '2',
  STATELESS_PORT: '3',
  STATELESS_NONE_PORT: '4',
})
const inspector = new Inspector(dbPath, join(dir, 'keys'))
const app = createApp({
  children: new ChildServers(config.instances, { root: repoRoot(), dbPath, labOrigins: [] }),
  inspector,
  pocket: new Pocket(),
  root: repoRoot(),
  raceReportPath: join(dir, 'none.json'),
})

afterAll(() => {
  inspector.close()
  rmSync(dir, { recursive: true, force: true })
})

describe('the lab page’s layout', () => {
  it('serves /lab.css after the shared /demo.css, with the scroll box and the narrow-screen card layout', async () => {
    const page = await (await app.request('/')).text()
    expect(page.indexOf('href="/lab.css"')).toBeGreaterThan(page.indexOf('href="/demo.css"'))
    const res = await app.request('/lab.css')
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toMatch(/^text\/css/)
    const css = await res.text()
    expect(css).toMatch(/\.scroll\{[^}]*overflow-x:auto/)
    expect(css).toMatch(/@media \(max-width:640px\)/)
  })

  it('puts every table of the page’s markup in a scroll box', async () => {
    const page = await (await app.request('/')).text()
    const tables = page.match(/<table\b/g) ?? []
    expect(tables.length).toBeGreaterThan(0)
    expect(page.match(/<div class="scroll"><table\b/g)).toHaveLength(tables.length)
  })
})
