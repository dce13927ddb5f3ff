import { chmodSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createKeyFileExclusive, generateKeyEntry, keyFilePath, readKeyFile } from './key-file.js'

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
