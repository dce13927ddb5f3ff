import { createHash } from 'node:crypto'
import { statSync } from 'node:fs'
import type { Clock } from '@auth-lab/shared'
import type { JWK } from 'jose'
import { importJWK } from 'jose'
import type { JwtConfig } from '../config.js'
import type { KeyAlg, KeyEntry, KeyFile } from './key-file.js'
import {
  createKeyFileExclusive,
  generateKeyEntry,
  isSecretEntry,
  keyFilePath,
  readKeyFile,
  replaceKeyFile,
  withKeyFileLock,
} from './key-file.js'

/**
 * The key ring: every key this instance signs or verifies with, imported ONCE as a CryptoKey (jose re-imports raw
 * secrets on every call, which doubles the cost of a verify). Where keys come from:
 * - `JWT_SECRET` (HS256): the secret's UTF-8 bytes; kid derived from its hash; nothing on disk.
 * - `JWT_KEYS=ephemeral`: generated in memory at each start — every restart logs everyone out and two instances
 *   reject each other's tokens (the misconfiguration the restart experiment shows).
 * - otherwise the key file (key-file.ts), generated on first start and shared by every instance and restart.
 * The current key signs. A previous key keeps verifying for one access-token lifetime after it was replaced, which
 * is exactly as long as tokens it signed can live, so a rotation logs nobody out.
 */
export interface RingKey {
  kid: string
  alg: KeyAlg
  createdAt: number
  /** Signs (private key, HMAC or AES key). */
  signKey: CryptoKey
  /** Verifies (public key, or the same symmetric key). */
  verifyKey: CryptoKey
  publicJwk?: JWK
}

export type KeySource = 'secret' | 'ephemeral' | 'file'

export function keyAlgOf(jwt: Pick<JwtConfig, 'alg' | 'format'>): KeyAlg {
  return jwt.format === 'jwe' ? 'A256GCM' : jwt.alg
}

async function importSecret(alg: 'HS256' | 'A256GCM', bytes: Uint8Array): Promise<CryptoKey> {
  const raw = new Uint8Array(bytes)
  return alg === 'HS256'
    ? crypto.subtle.importKey('raw', raw, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign', 'verify'])
    : crypto.subtle.importKey('raw', raw, { name: 'AES-GCM' }, false, ['encrypt', 'decrypt'])
}

export async function importEntry(e: KeyEntry): Promise<RingKey> {
  if (isSecretEntry(e)) {
    const key = await importSecret(e.alg, Buffer.from(e.secret, 'base64url'))
    return { kid: e.kid, alg: e.alg, createdAt: e.createdAt, signKey: key, verifyKey: key }
  }
  const signKey = (await importJWK(e.privateJwk, e.alg)) as CryptoKey
  const verifyKey = (await importJWK(e.publicJwk, e.alg)) as CryptoKey
  const { kty, crv, n, e: exp, x, y } = e.publicJwk
  const publicJwk = Object.fromEntries(
    Object.entries({ kty, crv, n, e: exp, x, y, kid: e.kid, alg: e.alg, use: 'sig' }).filter(([, v]) => v),
  ) as JWK
  return { kid: e.kid, alg: e.alg, createdAt: e.createdAt, signKey, verifyKey, publicJwk }
}

/**
 * Which version of the key file is on disk (review X1, X2). Not the mtime alone: the kernel stamps files from a
 * coarse clock (~4 ms here), so two rotations close together (a second `keys rotate` waiting on the lock) wrote
 * two files with the SAME mtime, and an instance that had loaded the first never loaded the second — it refused
 * the new key's tokens and kept signing with a key the others would retire. A rotation renames a new file over
 * the old one, so the inode tells the versions apart; mtime and size catch an edit in place.
 */
function fileStamp(path: string): string {
  const s = statSync(path)
  return `${s.ino}:${s.mtimeMs}:${s.size}`
}

export class KeyRing {
  private keys: RingKey[]
  private currentKid: string
  /** The version of the key file `keys` came from ('' = unknown: the next check re-reads it). */
  private loadedStamp: string
  /** The version of a key file that failed to load: not re-read on the request path (verifyKeyForNew). */
  private failedStamp: string | undefined
  private reloading: Promise<boolean> | undefined
  private readonly listeners: (() => void)[] = []

  constructor(
    keys: RingKey[],
    currentKid: string,
    readonly source: KeySource,
    private readonly opts: { clock: Clock; retentionMs: number; file?: string; alg: KeyAlg },
    /** The file's stamp taken BEFORE `keys` were read from it (openKeyRing). */
    loadedStamp = '',
  ) {
    this.keys = keys
    this.currentKid = currentKid
    this.loadedStamp = loadedStamp
  }

  get alg(): KeyAlg {
    return this.opts.alg
  }

  get file(): string | undefined {
    return this.opts.file
  }

  current(): RingKey {
    return this.keys.find((k) => k.kid === this.currentKid)!
  }

  /** The verification key for `kid` if it is current or a previous key still inside its retention window. */
  verifyKeyFor(kid: unknown): CryptoKey | undefined {
    if (typeof kid !== 'string') return undefined
    const idx = this.keys.findIndex((k) => k.kid === kid)
    if (idx < 0) return undefined
    return this.isLive(idx) ? this.keys[idx]!.verifyKey : undefined
  }

  /**
   * `verifyKeyFor` for a token whose kid this ring has never seen, when the key file changed since the last load:
   * reloads first (review S5). Several instances share one key file and each reloads on its own timer
   * (KEY_RELOAD_INTERVAL), so after a `keys rotate` the instance that reloaded first signs with the new key while
   * the others still refused those tokens — 401 `invalid_token` (and a failed logout-all) for valid tokens, for
   * up to KEY_RELOAD_INTERVAL. Cost on the request path: nothing for a known kid; one stat(2) for an unknown one;
   * the import of the new key at most once per change of the file (concurrent callers share one reload). A file
   * that failed to load is not re-read for every unknown kid: the timer retries it and reports the error.
   */
  async verifyKeyForNew(kid: unknown): Promise<CryptoKey | undefined> {
    const file = this.opts.file
    if (typeof kid !== 'string' || !file || this.keys.some((k) => k.kid === kid))
      return this.verifyKeyFor(kid)
    let stamp: string
    try {
      stamp = fileStamp(file)
    } catch {
      return undefined
    }
    if (stamp === this.loadedStamp || stamp === this.failedStamp) return undefined
    try {
      await this.reloadIfChanged()
      // A reload already under way (the timer's) may have read an older version than the one stat'ed above: the
      // newer one is loaded now rather than refusing a valid token until the next check (review X3).
      if (this.loadedStamp !== stamp && !this.keys.some((k) => k.kid === kid)) await this.reloadIfChanged()
    } catch {
      this.failedStamp = stamp
      return undefined
    }
    return this.verifyKeyFor(kid)
  }

  /** Public keys (current and still-valid previous) as a JWK Set; empty for symmetric keys, which are secret. */
  jwks(): { keys: JWK[] } {
    return { keys: this.keys.filter((k, i) => k.publicJwk && this.isLive(i)).map((k) => k.publicJwk!) }
  }

  /** kids of the live keys, current first. */
  liveKids(): string[] {
    const live = this.keys.filter((_, i) => this.isLive(i)).map((k) => k.kid)
    return [this.currentKid, ...live.filter((k) => k !== this.currentKid)]
  }

  /** Called after every reload that changed the ring (the verified-token cache flushes retired keys' entries). */
  onChange(listener: () => void): void {
    this.listeners.push(listener)
  }

  /**
   * Re-reads the key file when it changed on disk (after `keys rotate`), importing only keys not seen before.
   * The server calls this from an unref'd timer, never on the request path. Returns true if the ring changed.
   */
  async reloadIfChanged(): Promise<boolean> {
    // One reload at a time: the timer and a request with a new kid (verifyKeyForNew) share it.
    this.reloading ??= this.reload().finally(() => {
      this.reloading = undefined
    })
    return this.reloading
  }

  private async reload(): Promise<boolean> {
    const file = this.opts.file
    if (!file) return false
    let stamp: string
    try {
      stamp = fileStamp(file) // before the read: a rotation in between is seen as a change next time
    } catch {
      return false // file moved away: keep serving with the keys already imported
    }
    if (stamp === this.loadedStamp) return false
    const content = readKeyFile(file, this.opts.alg)
    if (!content) return false
    const known = new Map(this.keys.map((k) => [k.kid, k]))
    const next: RingKey[] = []
    for (const e of content.keys) next.push(known.get(e.kid) ?? (await importEntry(e)))
    this.keys = next
    this.currentKid = content.current
    this.loadedStamp = stamp
    for (const listener of this.listeners) listener()
    return true
  }

  private isLive(idx: number): boolean {
    const k = this.keys[idx]!
    if (k.kid === this.currentKid) return true
    // A key was retired when the next one in the file was created; it verifies for one token lifetime more.
    const replacedAt = this.keys[idx + 1]?.createdAt
    if (replacedAt === undefined) return true
    return this.opts.clock() < replacedAt + this.opts.retentionMs
  }
}

/** How long a replaced key keeps verifying: the longest an access token it signed can still be accepted. */
export function retentionMs(
  jwt: Pick<JwtConfig, 'accessTtl' | 'clockTolerance'>,
  reloadLagSeconds = 0,
): number {
  // Counted from the NEW key's creation, but a running server keeps signing with the old key until its next reload
  // (KEY_RELOAD_INTERVAL): a token signed in that gap must verify for its whole lifetime too.
  return (jwt.accessTtl + jwt.clockTolerance + reloadLagSeconds) * 1000
}

/** Opens the key ring for a config: imports (and on first start generates and persists) the keys. */
export async function openKeyRing(jwt: JwtConfig, clock: Clock, reloadLagSeconds = 0): Promise<KeyRing> {
  const alg = keyAlgOf(jwt)
  const opts = { clock, retentionMs: retentionMs(jwt, reloadLagSeconds), alg }
  if (jwt.secret !== undefined) {
    const bytes = Buffer.from(jwt.secret, 'utf8')
    const kid = `hs-${createHash('sha256').update('auth-lab kid\0').update(bytes).digest('base64url').slice(0, 16)}`
    const key = await importSecret('HS256', bytes)
    return new KeyRing([{ kid, alg, createdAt: 0, signKey: key, verifyKey: key }], kid, 'secret', opts)
  }
  if (jwt.keys === 'ephemeral') {
    const entry = await generateKeyEntry(alg, clock())
    return new KeyRing([await importEntry(entry)], entry.kid, 'ephemeral', opts)
  }
  const path = keyFilePath(jwt.keysDir, alg)
  // Stamped BEFORE the read (review X1): stat'ed after it (in the constructor, once the keys were imported), a
  // rotation landing while this instance started was recorded as already loaded — the instance never reloaded
  // (timer and unknown kids alike compared equal), refused the new key's tokens and signed with the old key until
  // the next rotation.
  let stamp = ''
  try {
    stamp = fileStamp(path)
  } catch {
    // not there yet: created below; '' makes the first check re-read it
  }
  let file = readKeyFile(path, alg)
  if (!file) {
    stamp = ''
    const entry = await generateKeyEntry(alg, clock())
    file = createKeyFileExclusive(path, { current: entry.kid, keys: [entry] }, alg)
  }
  const keys = await Promise.all(file.keys.map(importEntry))
  return new KeyRing(keys, file.current, 'file', { ...opts, file: path }, stamp)
}

/**
 * `keys rotate`: appends a new current key and drops keys retired for longer than the retention window (they can
 * no longer verify anything). Running servers pick the change up within seconds (reloadIfChanged).
 */
export async function rotateKeys(
  jwt: JwtConfig,
  now: number,
  reloadLagSeconds = 0,
): Promise<{ file: string; current: string; kept: string[] }> {
  const alg = keyAlgOf(jwt)
  const path = keyFilePath(jwt.keysDir, alg)
  const started = performance.now()
  // Generated before the lock (RSA takes up to a second); read → append → replace under it, so a concurrent
  // rotation appends to this one's result instead of overwriting it (withKeyFileLock).
  const generated = await generateKeyEntry(alg, now)
  const keep = retentionMs(jwt, reloadLagSeconds)
  return withKeyFileLock(path, () => {
    // Stamped when it is written, not when generation started: `createdAt` is when the previous key stops
    // signing, and its retention window counts from it. Stamped at `now`, the time spent generating and waiting
    // for the lock (up to 10 s) was cut from the end of that window, so the newest tokens the previous key
    // signed were refused before their `exp` once it outgrew CLOCK_TOLERANCE (review S6).
    const at = now + Math.max(0, Math.round(performance.now() - started))
    const entry = { ...generated, createdAt: at }
    const existing: KeyFile = readKeyFile(path, alg) ?? { current: '', keys: [] }
    const keys = [...existing.keys, entry]
    const kept = keys.filter((_k, i) => {
      const replacedAt = keys[i + 1]?.createdAt
      return replacedAt === undefined || at < replacedAt + keep
    })
    const file = { current: entry.kid, keys: kept }
    if (existing.keys.length === 0) createKeyFileExclusive(path, file, alg)
    else replaceKeyFile(path, file)
    return { file: path, current: entry.kid, kept: kept.map((k) => k.kid) }
  })
}

/** `keys list`: what the file holds, without secrets. */
export function listKeys(
  jwt: JwtConfig,
): { file: string; current: string; keys: { kid: string; alg: string; createdAt: number }[] } | null {
  const path = keyFilePath(jwt.keysDir, keyAlgOf(jwt))
  const file = readKeyFile(path, keyAlgOf(jwt))
  if (!file) return null
  return {
    file: path,
    current: file.current,
    keys: file.keys.map(({ kid, alg, createdAt }) => ({ kid, alg, createdAt })),
  }
}
