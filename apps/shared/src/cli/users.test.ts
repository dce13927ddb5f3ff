import { spawnSync } from 'node:child_process'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import Database from 'better-sqlite3'
import { describe, expect, it } from 'vitest'
import { testDir } from '../db/test-dir.js'

const here = fileURLToPath(new URL('.', import.meta.url))
const tsx = resolve(here, '../../../../node_modules/.bin/tsx')

function users(dbPath: string, ...args: string[]) {
  const r = spawnSync(tsx, [resolve(here, 'users.ts'), ...args], {
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      DB_PATH: dbPath,
      ARGON2_MEMORY_KIB: '256',
      ARGON2_TIME_COST: '1',
    },
    encoding: 'utf8',
  })
  return { code: r.status, out: r.stdout + r.stderr }
}

/**
 * Session 10 review: the CLI could add users but not disable them, so an operator disabled by SQL, which skips the
 * credential epoch — re-enabling the account then revived every old session, refresh family and access token.
 */
describe('pnpm users disable / enable', () => {
  it('disable ends every credential (epoch bumped); enable brings none back', () => {
    const db = join(testDir('auth-lab-cli-'), 'cli.db')
    expect(users(db, 'add', 'Mallory', '--password', 'mallory-password').code).toBe(0)
    const row = () => {
      const conn = new Database(db, { readonly: true })
      try {
        return conn
          .prepare('SELECT disabled, credential_epoch AS ep FROM users WHERE username = ?')
          .get('mallory') as { disabled: number; ep: number }
      } finally {
        conn.close()
      }
    }
    expect(row()).toEqual({ disabled: 0, ep: 0 })
    const off = users(db, 'disable', 'MALLORY')
    expect(off.code).toBe(0)
    expect(off.out).toMatch(/disabled mallory/)
    expect(row()).toEqual({ disabled: 1, ep: 1 })
    expect(users(db, 'enable', 'mallory').code).toBe(0)
    expect(row()).toEqual({ disabled: 0, ep: 1 })
    expect(users(db, 'disable', 'nobody').code).toBe(2)
    expect(users(db, 'disable').code).toBe(2)
  }, 60_000)
})
