import { spawn } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import Database from 'better-sqlite3'
import { describe, expect, it } from 'vitest'
import { testDir } from './test-dir.js'

const here = fileURLToPath(new URL('.', import.meta.url))
const tsx = resolve(here, '../../../../node_modules/.bin/tsx')

describe('migrations under concurrent process starts', () => {
  it('four processes migrating one new file at once apply every step exactly once', async () => {
    const dir = testDir('auth-lab-mig-')
    const file = join(dir, 'shared.db')
    const script = join(dir, 'run.ts')
    writeFileSync(
      script,
      `import { migrate } from ${JSON.stringify(resolve(here, 'migrate.ts'))}
import { openDatabase } from ${JSON.stringify(resolve(here, 'open-database.ts'))}
import { userMigrations } from ${JSON.stringify(resolve(here, '../users/schema.ts'))}
const db = openDatabase(${JSON.stringify(file)})
migrate(db, 'users', userMigrations)
migrate(db, 'extra', [{ version: 1, name: 'a', up: 'CREATE TABLE a (x)' }, { version: 2, name: 'b', up: 'CREATE TABLE b (x)' }])
db.close()
`,
    )
    const codes = await Promise.all(
      Array.from(
        { length: 4 },
        () =>
          new Promise<number>((done) => {
            const p = spawn(tsx, [script], { stdio: 'inherit' })
            p.on('exit', (code) => done(code ?? 1))
          }),
      ),
    )
    expect(codes).toEqual([0, 0, 0, 0])
    const db = new Database(file, { readonly: true })
    const rows = db.prepare('SELECT namespace, version FROM schema_migrations ORDER BY 1, 2').all()
    expect(rows).toEqual([
      { namespace: 'extra', version: 1 },
      { namespace: 'extra', version: 2 },
      { namespace: 'users', version: 1 },
      { namespace: 'users', version: 2 },
      { namespace: 'users', version: 3 },
    ])
    db.close()
  }, 60_000) // four cold tsx starts on a busy 2-core machine
})
