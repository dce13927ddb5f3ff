import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import {
  createKeyFileExclusive,
  generateKeyEntry,
  keyFilePath,
  readKeyFile,
  withKeyFileLock,
} from './key-file.js'

// Issue 10 F7: a pre-existing 0755 key directory used to be left as it was.
const mode = (p: string) => statSync(p).mode & 0o777

describe('key directory and file modes (F7)', () => {
  let root: string
  let oldUmask: number
  beforeEach(() => {
    oldUmask = process.umask(0o022)
    root = mkdtempSync(join(tmpdir(), 'auth-lab-keymodes-'))
  })
  afterEach(() => {
    process.umask(oldUmask)
    rmSync(root, { recursive: true, force: true })
  })

  it('creates a missing key directory 0700 and the key file 0600', async () => {
    const dir = join(root, 'keys')
    const path = keyFilePath(dir, 'HS256')
    const e = await generateKeyEntry('HS256', 0)
    createKeyFileExclusive(path, { current: e.kid, keys: [e] }, 'HS256')
    expect(mode(dir)).toBe(0o700)
    expect(mode(path)).toBe(0o600)
  })

  it('tightens an existing 0755 key directory and a 0644 key file when writing and when reading', async () => {
    const dir = join(root, 'keys')
    mkdirSync(dir)
    chmodSync(dir, 0o755)
    const path = keyFilePath(dir, 'HS256')
    const e = await generateKeyEntry('HS256', 0)
    createKeyFileExclusive(path, { current: e.kid, keys: [e] }, 'HS256')
    expect(mode(dir)).toBe(0o700)
    chmodSync(dir, 0o755)
    chmodSync(path, 0o644)
    expect(readKeyFile(path, 'HS256')?.current).toBe(e.kid)
    expect(mode(dir)).toBe(0o700)
    expect(mode(path)).toBe(0o600)
  })
})

describe('the key-file lock (keys rotate)', () => {
  let root: string
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'auth-lab-keylock-'))
  })
  afterEach(() => rmSync(root, { recursive: true, force: true }))

  it('creates the keys directory, runs the change, and leaves no lock behind (also when the change throws)', async () => {
    const path = keyFilePath(join(root, 'missing', 'keys'), 'ES256')
    expect(await withKeyFileLock(path, () => 42)).toBe(42)
    await expect(
      withKeyFileLock(path, () => {
        throw new Error('disk full')
      }),
    ).rejects.toThrow('disk full')
    expect(existsSync(`${path}.lock`)).toBe(false)
  })

  it('never takes over a lock left behind: it waits, then names the file and its PID for an operator', async () => {
    const path = keyFilePath(root, 'ES256')
    writeFileSync(`${path}.lock`, '999999\n')
    let ran = false
    await expect(
      withKeyFileLock(
        path,
        () => {
          ran = true
        },
        { waitMs: 100 },
      ),
    ).rejects.toThrow(/\.lock is held \(by PID 999999\).*remove the file/)
    expect(ran).toBe(false)
    expect(existsSync(`${path}.lock`)).toBe(true) // still the operator's to remove
  })
})
