import { execFile, spawn } from 'node:child_process'
import { rmSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { openSharedDeps, TEST_COST } from '@auth-lab/shared'
import { decodeProtectedHeader } from 'jose'
import { afterAll, describe, expect, it } from 'vitest'
import { tempDir } from '../test-app.js'

/**
 * `keys rotate` / `keys list` as a user runs them, against a running server: the server picks the new key up
 * without a restart, the JWKS lists both keys, and a token signed before the rotation keeps working.
 */
const here = fileURLToPath(new URL('.', import.meta.url))
const root = resolve(here, '../../../..')
const tsx = join(root, 'node_modules/.bin/tsx')
const dir = tempDir()
const env = {
  PATH: process.env.PATH,
  DB_PATH: join(dir, 'auth-lab.db'),
  JWT_ALG: 'EdDSA',
  ARGON2_MEMORY_KIB: '256',
  ARGON2_TIME_COST: '1',
}
const THROTTLE = { maxFailuresPerUser: 5, maxFailuresPerIp: 50, windowSeconds: 900 }
const run = promisify(execFile)
const cli = (...args: string[]) => run(tsx, [join(here, 'keys.ts'), ...args], { cwd: root, env })
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('keys CLI', () => {
  it('rotate while the server runs: JWKS lists both keys, old tokens keep verifying, new ones use the new kid', async () => {
    const server = spawn(process.execPath, ['--import', 'tsx', join(here, '..', 'server.ts')], {
      cwd: root,
      env: { ...env, HOST: '127.0.0.1', PORT: '0' },
      stdio: ['ignore', 'pipe', 'inherit'],
    })
    try {
      const base = await new Promise<string>((res, rej) => {
        let out = ''
        server.stdout.on('data', (d) => {
          out += d
          const m = /listening on (http:\/\/[\d.]+:\d+)/.exec(out)
          if (m) res(m[1]!)
        })
        server.on('exit', () => rej(new Error('server exited')))
      })
      const shared = openSharedDeps({
        app: 'test',
        dbPath: env.DB_PATH,
        argon2: TEST_COST,
        throttle: THROTTLE,
      })
      await shared.users.create({ username: 'alice', password: 'alice-pass-123' })
      shared.db.close()
      const loginRes = await fetch(`${base}/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'alice', password: 'alice-pass-123' }),
      })
      const before = ((await loginRes.json()) as { access_token: string }).access_token
      const oldKid = decodeProtectedHeader(before).kid

      const listed = await cli('list')
      expect(listed.stdout).toContain(`* ${oldKid}`)
      const rotated = await cli('rotate')
      const newKid = /new current key (\S+)/.exec(rotated.stdout)![1]
      expect(newKid).not.toBe(oldKid)

      let kids: string[] = []
      for (let i = 0; i < 100 && kids.length < 2; i++) {
        await new Promise((r) => setTimeout(r, 100))
        const jwks = (await (await fetch(`${base}/.well-known/jwks.json`)).json()) as {
          keys: { kid: string }[]
        }
        kids = jwks.keys.map((k) => k.kid)
      }
      expect(kids).toEqual([oldKid, newKid])
      const me = await fetch(`${base}/me`, { headers: { authorization: `Bearer ${before}` } })
      expect(me.status).toBe(200)
      const again = await fetch(`${base}/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'alice', password: 'alice-pass-123' }),
      })
      const after = ((await again.json()) as { access_token: string }).access_token
      expect(decodeProtectedHeader(after).kid).toBe(newKid)
    } finally {
      server.kill('SIGTERM')
    }
  })
})
