import { randomBytes } from 'node:crypto'
import {
  chmodSync,
  closeSync,
  linkSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  statSync,
  unlinkSync,
  writeFileSync,
  writeSync,
} from 'node:fs'
import { dirname, join } from 'node:path'
import { ConfigError } from '@auth-lab/shared'
import type { JWK } from 'jose'
import { calculateJwkThumbprint, exportJWK, generateKeyPair } from 'jose'

/**
 * The key file: where signing keys live between restarts, and how every instance on one DB_PATH shares them.
 *
 * `<JWT_KEYS_DIR>/jwt-<ALG>.json`, mode 0600 in a 0700 directory, holds
 * `{"current": kid, "keys": [{kid, alg, createdAt, privateJwk, publicJwk}]}` for RS256/ES256/EdDSA, and
 * `{kid, alg, createdAt, secret}` entries (base64url, 256 random bits) for HS256 and the JWE key (A256GCM).
 * Keys are appended on rotation and never edited, so a previous key keeps verifying the tokens it signed.
 * The file is the crown jewel of this app: whoever reads it can mint tokens for any user (docs/security.md).
 */
export type KeyAlg = 'HS256' | 'RS256' | 'ES256' | 'EdDSA' | 'A256GCM'

export interface AsymmetricKeyEntry {
  kid: string
  alg: 'RS256' | 'ES256' | 'EdDSA'
  createdAt: number
  privateJwk: JWK
  publicJwk: JWK
}

export interface SecretKeyEntry {
  kid: string
  alg: 'HS256' | 'A256GCM'
  createdAt: number
  /** base64url of 32 random bytes. */
  secret: string
}

export type KeyEntry = AsymmetricKeyEntry | SecretKeyEntry

export interface KeyFile {
  current: string
  keys: KeyEntry[]
}

export function keyFilePath(dir: string, alg: KeyAlg): string {
  return join(dir, `jwt-${alg}.json`)
}

export function isSecretEntry(e: KeyEntry): e is SecretKeyEntry {
  return e.alg === 'HS256' || e.alg === 'A256GCM'
}

/** A fresh key of the given algorithm. The private half is made extractable only so it can be written to the file. */
export async function generateKeyEntry(alg: KeyAlg, createdAt: number): Promise<KeyEntry> {
  if (alg === 'HS256' || alg === 'A256GCM') {
    return {
      kid: randomBytes(12).toString('base64url'),
      alg,
      createdAt,
      secret: randomBytes(32).toString('base64url'),
    }
  }
  const pair = await generateKeyPair(alg, {
    extractable: true,
    ...(alg === 'EdDSA' ? { crv: 'Ed25519' } : {}),
  })
  const publicJwk = await exportJWK(pair.publicKey)
  const privateJwk = await exportJWK(pair.privateKey)
  // RFC 7638 thumbprint: a kid derived from the public key itself, stable and collision-free.
  const kid = await calculateJwkThumbprint(publicJwk)
  return { kid, alg, createdAt, privateJwk, publicJwk }
}

/**
 * Reads and checks a key file; null when it does not exist. Exported through the package barrel so tests and the
 * benchmark can mint tokens with the server's own keys (gray-box cases).
 */
export function readKeyFile(path: string, alg?: KeyAlg): KeyFile | null {
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null
    throw new ConfigError(`cannot read the key file ${path}: ${(err as Error).message}`)
  }
  let file: KeyFile
  try {
    file = JSON.parse(text) as KeyFile
  } catch {
    throw new ConfigError(`the key file ${path} is not valid JSON`)
  }
  if (!file || typeof file.current !== 'string' || !Array.isArray(file.keys) || file.keys.length === 0) {
    throw new ConfigError(`the key file ${path} must hold {"current": kid, "keys": [...]}`)
  }
  const kids = new Set<string>()
  for (const k of file.keys) {
    if (typeof k !== 'object' || k === null)
      throw new ConfigError(`the key file ${path} has an invalid entry`)
    const ok = isSecretEntry(k)
      ? typeof k.secret === 'string' && Buffer.from(k.secret, 'base64url').length >= 32
      : typeof k.privateJwk === 'object' &&
        k.privateJwk !== null &&
        typeof k.publicJwk === 'object' &&
        k.publicJwk !== null
    // `createdAt` is when the previous key was retired: its retention window is counted from it (keys.ts
    // `isLive`, `rotateKeys`). Missing, it read as "no successor" and a number as text concatenated with the
    // window: either way the retired key verified (and stayed in the JWKS and the file) forever (review S4).
    // A repeated kid would make the ring verify and sign with whichever entry comes first.
    const created = Number.isSafeInteger(k.createdAt) && k.createdAt >= 0
    if (
      typeof k.kid !== 'string' ||
      k.kid === '' ||
      kids.has(k.kid) ||
      !created ||
      !ok ||
      (alg !== undefined && k.alg !== alg)
    ) {
      throw new ConfigError(`the key file ${path} has an invalid entry${alg ? ` (expected alg ${alg})` : ''}`)
    }
    kids.add(k.kid)
  }
  if (!file.keys.some((k) => k.kid === file.current)) {
    throw new ConfigError(`the key file ${path} names a current kid that is not in it`)
  }
  // A key file readable by other local users is a leaked key; tighten it rather than serve with it loose.
  if ((statSync(path).mode & 0o077) !== 0) chmodSync(path, 0o600)
  tightenKeyDir(dirname(path))
  return file
}

/**
 * The key directory is ours alone (issue 10, F7): a pre-existing 0755 one (made by hand, or by an older version) is
 * tightened to 0700, like the key file. If that fails (not the owner) the server still starts — the file itself is
 * 0600 — but says so.
 */
export function tightenKeyDir(dir: string): void {
  const mode = statSync(dir).mode & 0o777
  if ((mode & 0o077) === 0) return
  try {
    chmodSync(dir, 0o700)
  } catch (err) {
    console.warn(
      `[auth-lab] warning: the key directory ${dir} is accessible to other users (mode ${mode.toString(8)}) and cannot be tightened: ${(err as Error).message}`,
    )
  }
}

function writeTemp(path: string, file: KeyFile): string {
  const dir = dirname(path)
  mkdirSync(dir, { recursive: true, mode: 0o700 })
  tightenKeyDir(dir)
  const tmp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`
  writeFileSync(tmp, `${JSON.stringify(file, null, 2)}\n`, { mode: 0o600, flag: 'wx' })
  return tmp
}

/**
 * Creates the file only if it does not exist yet (link(2) fails with EEXIST), so two instances starting at once
 * on one data directory agree on one key: the loser reads the winner's file. Returns the file that is on disk.
 */
export function createKeyFileExclusive(path: string, file: KeyFile, alg: KeyAlg): KeyFile {
  const tmp = writeTemp(path, file)
  try {
    linkSync(tmp, path)
    return file
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err
    const existing = readKeyFile(path, alg)
    if (!existing) throw err
    return existing
  } finally {
    unlinkSync(tmp)
  }
}

/** Replaces the file atomically (write a temporary file, then rename over the old one). */
export function replaceKeyFile(path: string, file: KeyFile): void {
  renameSync(writeTemp(path, file), path)
}

/**
 * Runs `fn` (a synchronous read → change → replace of the key file) holding `<file>.lock`, created with O_EXCL.
 * Why: two `keys rotate` at once (two operators, two deploy hooks) each read the file, appended their key and
 * renamed over it, and both reported success while the file kept one of the two keys (found in review: 2–5 of 5
 * trials). The lock makes the second wait for the first and then append to its result.
 * A lock is never taken over automatically: "is it stale?" and "delete it" are two steps, and two waiters doing
 * both could each delete the other's fresh lock (found in the review of this fix). A rotation holds the lock for
 * milliseconds, so one still there after `waitMs` is a crashed rotation's: the error names the file and the PID
 * that took it, for an operator to remove.
 */
export async function withKeyFileLock<T>(
  path: string,
  fn: () => T,
  opts: { waitMs?: number } = {},
): Promise<T> {
  const lock = `${path}.lock`
  const deadline = Date.now() + (opts.waitMs ?? 10_000)
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 })
  for (;;) {
    let fd: number
    try {
      fd = openSync(lock, 'wx', 0o600)
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err
      if (Date.now() > deadline) {
        throw new Error(
          `${lock} is held (by PID ${lockHolder(lock)}): another key rotation is running, or one crashed — if no ` +
            '`keys rotate` is running, remove the file and try again',
        )
      }
      await new Promise((r) => setTimeout(r, 20))
      continue
    }
    try {
      writeSync(fd, `${process.pid}\n`)
      return fn()
    } finally {
      closeSync(fd)
      unlinkSync(lock)
    }
  }
}

function lockHolder(lock: string): string {
  try {
    return readFileSync(lock, 'utf8').trim() || 'unknown'
  } catch {
    return 'unknown'
  }
}
