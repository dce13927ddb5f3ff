import { chmodSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { openDatabase } from './open-database.js'

// Issue 10 F7: under the usual umask 022, new files would be 0644 and directories 0755.
const mode = (p: string) => statSync(p).mode & 0o777

describe('database file modes (F7)', () => {
  let root: string
  let oldUmask: number
  beforeEach(() => {
    oldUmask = process.umask(0o022)
    root = mkdtempSync(join(tmpdir(), 'auth-lab-modes-'))
  })
  afterEach(() => {
    process.umask(oldUmask)
    rmSync(root, { recursive: true, force: true })
  })

  it('creates a missing directory 0700 and the database, -wal and -shm files 0600', () => {
    const file = join(root, 'data', 'auth-lab.db')
    const warnings: string[] = []
    const db = openDatabase(file, { warn: (m) => warnings.push(m) })
    db.exec('CREATE TABLE t (x); INSERT INTO t VALUES (1)') // writes through the WAL
    expect(mode(join(root, 'data'))).toBe(0o700)
    expect(mode(file)).toBe(0o600)
    expect(mode(`${file}-wal`)).toBe(0o600)
    expect(mode(`${file}-shm`)).toBe(0o600)
    expect(warnings).toEqual([])
    db.close()
  })

  it('tightens existing 0644 database files and warns about a group/world-readable directory', () => {
    const dir = join(root, 'open')
    mkdirSync(dir, { mode: 0o755 })
    chmodSync(dir, 0o755)
    const file = join(dir, 'auth-lab.db')
    writeFileSync(file, '')
    chmodSync(file, 0o644)
    const warnings: string[] = []
    const db = openDatabase(file, { warn: (m) => warnings.push(m) })
    expect(mode(file)).toBe(0o600)
    expect(mode(dir)).toBe(0o755) // never chmod a directory that may be shared
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toContain(dir)
    db.close()
  })
})
