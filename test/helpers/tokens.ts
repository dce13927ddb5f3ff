import { execFileSync } from 'node:child_process'
import { createHmac, createPrivateKey, sign as nodeSign } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { CompactSign, type CryptoKey, exportJWK, exportPKCS8, generateKeyPair, type JWK } from 'jose'

/**
 * Token minting for the JWT cases. jose signs what it will produce; by-hand helpers build the tokens jose refuses
 * to (`alg: none` in any spelling, `alg` missing/null/array, an HS signature over an attacker-chosen header).
 */
export function b64u(input: string | Uint8Array | object): string {
  if (typeof input === 'string') return Buffer.from(input, 'utf8').toString('base64url')
  if (input instanceof Uint8Array) return Buffer.from(input).toString('base64url')
  return Buffer.from(JSON.stringify(input), 'utf8').toString('base64url')
}

export interface DecodedJwt {
  // biome-ignore lint/suspicious/noExplicitAny: decoded JOSE headers of forged tokens hold anything
  header: Record<string, any>
  // biome-ignore lint/suspicious/noExplicitAny: likewise the payloads
  payload: Record<string, any>
  parts: [string, string, string]
}

export function decodeJwt(token: string): DecodedJwt {
  const parts = token.split('.')
  if (parts.length !== 3) throw new Error(`not a compact JWS: ${parts.length} parts`)
  const [h = '', p = '', s = ''] = parts
  return {
    header: JSON.parse(Buffer.from(h, 'base64url').toString('utf8')),
    payload: JSON.parse(Buffer.from(p, 'base64url').toString('utf8')),
    parts: [h, p, s],
  }
}

export type Signer = (signingInput: string) => Uint8Array | string

/** Builds `b64(header).b64(payload).sig`; header and payload may be raw JSON strings for odd shapes. */
export function handToken(header: object | string, payload: object | string, signer?: Signer): string {
  const input = `${b64u(header)}.${b64u(payload)}`
  if (!signer) return `${input}.`
  const sig = signer(input)
  return `${input}.${typeof sig === 'string' ? sig : b64u(sig)}`
}

export function hmacSigner(hash: 'sha256' | 'sha384' | 'sha512', key: Uint8Array | string): Signer {
  return (input) => createHmac(hash, key).update(input).digest()
}

/** Signs with an attacker's private key through jose, with any protected header members (jwk, x5c, jku, kid). */
export async function joseSign(
  key: CryptoKey | Uint8Array,
  header: Record<string, unknown> & { alg: string },
  payload: object,
): Promise<string> {
  return new CompactSign(new TextEncoder().encode(JSON.stringify(payload)))
    .setProtectedHeader(header)
    .sign(key)
}

export interface AttackerKey {
  alg: 'RS256' | 'ES256' | 'EdDSA'
  privateKey: CryptoKey
  publicJwk: JWK
  privatePem: string
}

export async function attackerKey(alg: AttackerKey['alg']): Promise<AttackerKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true })
  return { alg, privateKey, publicJwk: await exportJWK(publicKey), privatePem: await exportPKCS8(privateKey) }
}

/**
 * A self-signed certificate for the attacker's RSA key (openssl), base64 DER as `x5c` wants it. If openssl is
 * missing the case still runs with a DER-shaped blob: the server must not trust x5c either way.
 */
export function selfSignedX5c(privatePem: string): { x5c: string; real: boolean } {
  const dir = mkdtempSync(join(tmpdir(), 'auth-lab-x5c-'))
  try {
    const keyPath = join(dir, 'key.pem')
    const certPath = join(dir, 'cert.der')
    writePrivate(keyPath, privatePem)
    execFileSync(
      'openssl',
      [
        'req',
        '-new',
        '-x509',
        '-key',
        keyPath,
        '-subj',
        '/CN=attacker',
        '-days',
        '1',
        '-outform',
        'DER',
        '-out',
        certPath,
      ],
      { stdio: 'ignore', timeout: 10_000 },
    )
    return { x5c: readFileSync(certPath).toString('base64'), real: true }
  } catch {
    return { x5c: Buffer.from(`not-a-cert-${Date.now()}`).toString('base64'), real: false }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

function writePrivate(path: string, text: string): void {
  execFileSync('sh', ['-c', 'umask 077; cat > "$0"', path], { input: text })
}

/** Plain node:crypto signing for an asymmetric alg over a hand-built header (used when jose would object). */
export function nodeSigner(alg: 'RS256' | 'ES256' | 'EdDSA', privatePem: string): Signer {
  const key = createPrivateKey(privatePem)
  return (input) => {
    if (alg === 'EdDSA') return nodeSign(null, Buffer.from(input), key)
    if (alg === 'ES256') return nodeSign('sha256', Buffer.from(input), { key, dsaEncoding: 'ieee-p1363' })
    return nodeSign('sha256', Buffer.from(input), key)
  }
}
