import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { migrate } from './migrate.js'
import { openDatabase } from './open-database.js'
import { testDir } from './test-dir.js'

const steps = [
  { version: 1, name: 't1', up: 'CREATE TABLE t1 (x INTEGER)' },
  { version: 2, name: 't2', up: 'CREATE TABLE t2 (x INTEGER)' },
]

describe('migrate', () => {
  it('applies each step once, per namespace, across several connections to one file', () => {
    const file = join(testDir('auth-lab-migrate-'), 'm.db')
    const a = openDatabase(file)
    const b = openDatabase(file)
    expect(migrate(a, 'ns', steps)).toBe(2)
    expect(migrate(b, 'ns', steps)).toBe(0)
    expect(migrate(b, 'other', [{ version: 1, name: 'o', up: 'CREATE TABLE o (x)' }])).toBe(1)
    const rows = a.prepare('SELECT namespace, version FROM schema_migrations ORDER BY 1, 2').all()
    expect(rows).toEqual([
      { namespace: 'ns', version: 1 },
      { namespace: 'ns', version: 2 },
      { namespace: 'other', version: 1 },
    ])
  })

  it('refuses gaps in numbering', () => {
    const db = openDatabase(':memory:')
    expect(() => migrate(db, 'ns', [{ version: 2, name: 'x', up: 'SELECT 1' }])).toThrow(/1..n/)
  })
})
