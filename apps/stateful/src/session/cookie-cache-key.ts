import { createSecretKey, type KeyObject, randomBytes } from 'node:crypto'
import { chmodSync, linkSync, mkdirSync, readFileSync, statSync, unlinkSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { ConfigError } from '@auth-lab/shared'

/**
 * The HMAC key of the session cookie cache, kept like the stateless app's JWT keys:
 * - `SESSION_CACHE_SECRET` set: its UTF-8 bytes (checked for strength at start, config.ts); nothing on disk;
 * - otherwise `<dirname(DB_PATH)>/session-cache.key`: 32 random bytes (base64url), mode 0600, generated on first
 *   start and shared by every instance and restart on that data directory (created with link(2), so two instances
 *   starting at once agree on one key);
 * - DB_PATH=:memory: (tests): a key generated in memory for the process.
 * Whoever reads this key can mint a snapshot for any session ID they hold; a snapshot still needs the session ID
 * cookie it is bound to, so the key alone does not log anyone in.
 */
export const COOKIE_CACHE_KEY_FILE = 'session-cache.key'

export function cookieCacheKeyPath(dbPath: string): string {
  return join(dirname(dbPath), COOKIE_CACHE_KEY_FILE)
}

export function openCookieCacheKey(opts: { dbPath: string; secret: string | undefined }): KeyObject {
  if (opts.secret !== undefined) return createSecretKey(Buffer.from(opts.secret, 'utf8'))
  if (opts.dbPath === ':memory:') return createSecretKey(randomBytes(32))
  const path = cookieCacheKeyPath(opts.dbPath)
  return createSecretKey(readKey(path) ?? createKeyExclusive(path))
}

function readKey(path: string): Buffer | null {
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null
    throw new ConfigError(`cannot read the session cache key ${path}: ${(err as Error).message}`)
  }
  const key = Buffer.from(text.trim(), 'base64url')
  if (key.length < 32) throw new ConfigError(`the session cache key ${path} must hold 32 base64url bytes`)
  // A key readable by other local users is a leaked key: tighten it rather than serve with it loose (F7).
  if ((statSync(path).mode & 0o077) !== 0) chmodSync(path, 0o600)
  return key
}

function createKeyExclusive(path: string): Buffer {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 })
  const key = randomBytes(32)
  const tmp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`
  writeFileSync(tmp, `${key.toString('base64url')}\n`, { mode: 0o600, flag: 'wx' })
  try {
    linkSync(tmp, path)
    return key
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err
    const existing = readKey(path) // another instance won the race: use its key
    if (!existing) throw err
    return existing
  } finally {
    unlinkSync(tmp)
  }
}
