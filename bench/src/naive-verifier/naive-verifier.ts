/**
 * A DELIBERATELY BROKEN JWT verifier — evidence for claim C11 ("algorithm confusion and missing verification are
 * real attacks"), never a pattern to copy. It lives in bench/ only: no app imports it, no app route reaches it, and
 * the attacks scenario starts it on its own loopback port next to the real stateless app.
 *
 * What it does wrong, each on purpose (the mistakes RFC 8725 §2 catalogues):
 * - takes the algorithm from the token's own header (`alg`), case-insensitively accepting `none` with no signature;
 *   a missing/odd `alg` falls back to HS256;
 * - HS* verification uses "the configured key" as the HMAC secret whatever it is — in asymmetric mode that is the
 *   public key PEM, so anyone can sign HS256 tokens with it (key confusion);
 * - trusts key material named by the token: an embedded `jwk`, an `x5c` certificate, or a `jku` URL it fetches
 *   (server-side request forgery);
 * - checks no claim at all: no exp, nbf, iat, iss, aud, typ, sub.
 * GET /me answers 200 with the claimed `sub` when the token "verifies", 401 otherwise.
 */
import {
  constants,
  createHmac,
  createPublicKey,
  verify as cryptoVerify,
  type KeyObject,
  timingSafeEqual,
  X509Certificate,
} from 'node:crypto'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'

export interface NaiveVerifierConfig {
  /** HS256 deployments: the shared secret. */
  secret?: Uint8Array
  /** Asymmetric deployments: the public key PEM — also (wrongly) used as the HMAC secret. */
  publicKeyPem?: string
}

export interface NaiveVerifier {
  url: string
  /** How many jku/x5u fetches it made (each one is an SSRF the real app must never make). */
  fetches: string[]
  close(): Promise<void>
}

export async function startNaiveVerifier(config: NaiveVerifierConfig): Promise<NaiveVerifier> {
  const fetches: string[] = []
  const server = createServer((req, res) => {
    handle(req, config, fetches).then(
      (claims) =>
        send(
          res,
          claims ? 200 : 401,
          claims ? { user: { id: claims.sub }, claims } : { error: 'invalid_token' },
        ),
      () => send(res, 401, { error: 'invalid_token' }),
    )
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const addr = server.address()
  const port = typeof addr === 'object' && addr ? addr.port : 0
  return {
    url: `http://127.0.0.1:${port}`,
    fetches,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}

function send(res: ServerResponse, status: number, body: object): void {
  res.writeHead(status, { 'content-type': 'application/json' })
  res.end(JSON.stringify(body))
}

async function handle(
  req: IncomingMessage,
  config: NaiveVerifierConfig,
  fetches: string[],
  // biome-ignore lint/suspicious/noExplicitAny: the deliberately naive verifier trusts whatever the token says
): Promise<Record<string, any> | null> {
  if (req.method !== 'GET' || !req.url?.startsWith('/me')) return null
  const m = /^bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')
  if (!m?.[1]) return null
  const [h = '', p = '', s = ''] = m[1].split('.')
  const header = JSON.parse(Buffer.from(h, 'base64url').toString('utf8'))
  const payload = JSON.parse(Buffer.from(p, 'base64url').toString('utf8'))
  const input = Buffer.from(`${h}.${p}`)
  const sig = Buffer.from(s, 'base64url')
  const alg = typeof header.alg === 'string' && header.alg !== '' ? header.alg : 'HS256'

  if (alg.toLowerCase() === 'none') return payload // mistake 1: unsecured JWTs accepted

  if (/^HS(256|384|512)$/.test(alg)) {
    // mistake 2: "the key" is whatever was configured, a public PEM included
    const key = config.secret ?? Buffer.from(config.publicKeyPem ?? '')
    const mac = createHmac(`sha${alg.slice(2)}`, key)
      .update(input)
      .digest()
    return mac.length === sig.length && timingSafeEqual(mac, sig) ? payload : null
  }

  const key = await keyFromHeader(header, config, fetches) // mistake 3: the token names its own key
  if (!key) return null
  const bits = alg.slice(2)
  let ok = false
  if (alg === 'EdDSA') ok = cryptoVerify(null, input, key, sig)
  else if (alg.startsWith('RS')) ok = cryptoVerify(`sha${bits}`, input, key, sig)
  else if (alg.startsWith('PS')) {
    ok = cryptoVerify(
      `sha${bits}`,
      input,
      { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: Number(bits) / 8 },
      sig,
    )
  } else if (alg.startsWith('ES'))
    ok = cryptoVerify(`sha${bits}`, input, { key, dsaEncoding: 'ieee-p1363' }, sig)
  return ok ? payload : null // mistake 4: no claim is ever checked
}

async function keyFromHeader(
  // biome-ignore lint/suspicious/noExplicitAny: the deliberately naive verifier trusts whatever the token says
  header: Record<string, any>,
  config: NaiveVerifierConfig,
  fetches: string[],
): Promise<KeyObject | null> {
  if (header.jwk) return createPublicKey({ key: header.jwk, format: 'jwk' })
  if (Array.isArray(header.x5c) && typeof header.x5c[0] === 'string') {
    return new X509Certificate(Buffer.from(header.x5c[0], 'base64')).publicKey
  }
  for (const field of ['jku', 'x5u'] as const) {
    if (typeof header[field] === 'string') {
      fetches.push(header[field])
      const res = await fetch(header[field], { signal: AbortSignal.timeout(1000) })
      const body = (await res.json()) as { keys?: Record<string, unknown>[] }
      const jwk = body.keys?.find((k) => k.kid === header.kid) ?? body.keys?.[0]
      // biome-ignore lint/suspicious/noExplicitAny: the deliberately naive verifier trusts whatever the token says
      if (jwk) return createPublicKey({ key: jwk as any, format: 'jwk' })
    }
  }
  return config.publicKeyPem ? createPublicKey(config.publicKeyPem) : null
}
