import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { type CryptoKey, importJWK, type JWK } from 'jose'

/**
 * The stateless app's persisted key file (interfaces.md): `<JWT_KEYS_DIR>/jwt-<ALG>.json` =
 * `{"current": kid, "keys": [{kid, alg, createdAt, privateJwk, publicJwk}]}` (HS256 without JWT_SECRET:
 * `{kid, alg, createdAt, secret}` entries). Cases that play "the holder of the real key" read it here.
 */
export interface KeyFileEntry {
  kid: string
  alg: string
  createdAt?: number | string
  privateJwk?: JWK
  publicJwk?: JWK
  secret?: string
}

export interface KeyFile {
  current: string
  keys: KeyFileEntry[]
}

export function readKeyFile(keysDir: string, alg: string): KeyFile {
  return JSON.parse(readFileSync(join(keysDir, `jwt-${alg}.json`), 'utf8')) as KeyFile
}

export async function currentSigningKey(
  keysDir: string,
  alg: string,
): Promise<{ kid: string; key: CryptoKey | Uint8Array; entry: KeyFileEntry }> {
  const file = readKeyFile(keysDir, alg)
  const entry = file.keys.find((k) => k.kid === file.current)
  if (!entry) throw new Error(`key file has no current key ${file.current}`)
  if (entry.secret) return { kid: entry.kid, key: Buffer.from(entry.secret, 'base64url'), entry }
  if (!entry.privateJwk) throw new Error('key entry has no private key')
  const key = await importJWK(entry.privateJwk, alg)
  return { kid: entry.kid, key, entry }
}
