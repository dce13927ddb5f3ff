import type { Context } from 'hono'
import type { ChildServers } from './children.js'
import type { InstanceSpec } from './config.js'
import {
  cookiesForInstance,
  dedupeCookieHeader,
  parseCookieHeader,
  redactSetCookie,
  rewriteSetCookie,
} from './cookies.js'
import type { Pocket } from './pocket.js'

/**
 * The same-origin proxy: `/<prefix>/<path>` on the lab origin → `http://127.0.0.1:<port>/<path>` on the instance.
 * Why a proxy and not two origins: cookies are per host (not per port), so panes on :3001 and :3002 would share the
 * `localhost` cookie jar anyway, and one origin lets one page drive both flows under one CSP. The browser's Origin
 * header (the lab's) is forwarded unchanged; the apps accept it because the lab lists it in their ALLOWED_ORIGINS.
 *
 * Lab-only response headers (the apps never send these):
 * - `X-Lab-Set-Cookie`: JSON array of the Set-Cookie headers with values redacted (names + flags for the page);
 * - `X-Lab-Sent`: JSON of what the browser sent with this request: cookie names and sizes, Authorization size,
 *   body size and the whole request's size (request line + headers + body), so the page can show bytes per request.
 * `X-Lab-Steal: <cookie name>` on a request copies that cookie into the lab's "thief" pocket (the steal experiments).
 */
const HOP = [
  'host',
  'connection',
  'keep-alive',
  'content-length',
  'transfer-encoding',
  'accept-encoding',
  'te',
  'trailer',
  'upgrade',
  'expect',
  'proxy-authorization',
  'proxy-connection',
  'x-lab-steal',
  // What a client must never be able to claim through the lab (found in review): an app started with
  // TRUST_PROXY=1 (the lab passes its environment on) would take a client-chosen X-Forwarded-For as the address,
  // and a client changing it on every try escaped the per-address login limit.
  'forwarded',
  'x-forwarded-for',
  'x-forwarded-host',
  'x-forwarded-proto',
  'x-forwarded-port',
  'x-real-ip',
]
/**
 * The most a proxied request body may be (a JSON body is at most 16 KiB in both apps; a margin for the apps to
 * answer 413 themselves). The lab read whole bodies into memory: a 400 MB POST took it from 110 MB to 1.65 GB.
 */
export const PROXY_BODY_LIMIT = 64 * 1024
const DROP_RESPONSE = new Set([
  'set-cookie',
  'content-encoding',
  'content-length',
  'transfer-encoding',
  'connection',
])

export function findInstance(specs: readonly InstanceSpec[], path: string): InstanceSpec | undefined {
  return specs.find((s) => path === s.prefix || path.startsWith(`${s.prefix}/`))
}

export function proxy(children: ChildServers, pocket: Pocket) {
  return async function labProxy(c: Context): Promise<Response> {
    // The proxy's own answers (404/413/400/503) get the lab's headers; upstream responses keep the app's, which
    // replace these (review H4).
    c.header('X-Content-Type-Options', 'nosniff')
    c.header('Cross-Origin-Resource-Policy', 'same-origin')
    const url = new URL(c.req.url)
    // Matched on the raw path the rest is cut from (review H1): c.req.path is percent-decoded, so /stateless-non%65
    // matched /stateless-none there while the raw cut left "65" to glue to the port — another loopback port. On the
    // raw path an encoded prefix matches nothing (404), and the rest is always empty or starts with "/".
    const spec = findInstance(children.specs(), url.pathname)
    if (!spec) return c.json({ error: 'not_found', message: 'no such instance' }, 404)
    const rest = url.pathname.slice(spec.prefix.length) || '/'
    const headers = new Headers(c.req.raw.headers)
    // Headers the Connection header names are hop-by-hop too (RFC 9110 §7.6.1).
    for (const h of (c.req.header('connection') ?? '').split(',')) {
      const name = h.trim().toLowerCase()
      if (/^[!#$%&'*+.^_`|~0-9a-z-]+$/.test(name)) headers.delete(name)
    }
    for (const h of HOP) headers.delete(h)
    const cookie = cookiesForInstance(dedupeCookieHeader(c.req.header('cookie')), spec.prefix, spec.app)
    headers.delete('cookie')
    if (cookie) headers.set('cookie', cookie)

    const steal = c.req.header('x-lab-steal')
    if (steal) {
      // The page names the app's cookie (`sid`, `rt`); in HTTPS mode the app calls it `__Host-sid` / `__Secure-rt`.
      const jar = parseCookieHeader(cookie)
      const name = [steal, `__Host-${steal}`, `__Secure-${steal}`].find((n) => jar.has(n))
      const value = name === undefined ? undefined : jar.get(name)
      if (name !== undefined && value !== undefined)
        pocket.put(spec.id, 'thief', { cookieName: name, cookie: value })
    }

    const body = c.req.method === 'GET' || c.req.method === 'HEAD' ? undefined : await readLimited(c)
    if (body === null)
      return c.json(
        { error: 'payload_too_large', message: `request body over ${PROXY_BODY_LIMIT} bytes` },
        413,
      )
    let upstream: Response
    try {
      upstream = await fetch(`http://127.0.0.1:${spec.port}${rest}${url.search}`, {
        method: c.req.method,
        headers,
        body,
        redirect: 'manual',
        signal: AbortSignal.timeout(30_000),
      })
    } catch (err) {
      if (refusedByFetch(err))
        return c.json({ error: 'invalid_request', message: 'the lab cannot forward this request' }, 400)
      return c.json(
        {
          error: 'service_unavailable',
          message: `the ${spec.id} server is not running (restarting?); try again`,
        },
        503,
        { 'Retry-After': '1' },
      )
    }

    const out = new Headers()
    upstream.headers.forEach((value, name) => {
      if (!DROP_RESPONSE.has(name)) out.append(name, value)
    })
    const setCookies = upstream.headers.getSetCookie()
    for (const sc of setCookies) out.append('set-cookie', rewriteSetCookie(sc, spec.prefix))
    out.set(
      'x-lab-set-cookie',
      JSON.stringify(setCookies.map((sc) => redactSetCookie(rewriteSetCookie(sc, spec.prefix)))),
    )
    out.set('x-lab-sent', JSON.stringify(sentSummary(c, cookie, body?.byteLength ?? 0)))
    return new Response(upstream.body, { status: upstream.status, headers: out })
  }
}

/** What went over the wire from the browser, measured at the proxy (the page cannot see its own cookies). */
function sentSummary(c: Context, cookie: string | undefined, bodyBytes: number) {
  const cookies = [...parseCookieHeader(cookie)].map(([name, value]) => ({
    name,
    bytes: name.length + 1 + value.length,
  }))
  let headerBytes = `${c.req.method} ${new URL(c.req.url).pathname} HTTP/1.1\r\n`.length + 2
  c.req.raw.headers.forEach((value, name) => {
    headerBytes += name.length + 2 + value.length + 2
  })
  const auth = c.req.header('authorization')
  return {
    cookies,
    cookieHeaderBytes: c.req.header('cookie')?.length ?? 0,
    authorizationBytes: auth ? auth.length : 0,
    bodyBytes,
    totalBytes: headerBytes + bodyBytes,
  }
}

/** The request body, or null once it passes PROXY_BODY_LIMIT (read in chunks: never buffered past the limit). */
export async function readLimited(c: Context, limit = PROXY_BODY_LIMIT): Promise<ArrayBuffer | null> {
  const declared = Number(c.req.header('content-length'))
  if (Number.isFinite(declared) && declared > limit) return null
  const stream = c.req.raw.body
  if (!stream) return new ArrayBuffer(0)
  const chunks: Uint8Array[] = []
  let size = 0
  const reader = stream.getReader()
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    size += value.byteLength
    if (size > limit) {
      await reader.cancel().catch(() => {})
      return null
    }
    chunks.push(value)
  }
  const out = new Uint8Array(size)
  let at = 0
  for (const ch of chunks) {
    out.set(ch, at)
    at += ch.byteLength
  }
  return out.buffer
}

/**
 * fetch refused the request before any connection (a TRACE method, a GET with a body, a header value it cannot
 * send): the client's mistake, a 400 — not "the server is not running" (found in review). A failed connection
 * or a timeout carries a cause, or is not a TypeError. The proxy and the pocket both ask.
 */
export function refusedByFetch(err: unknown): boolean {
  return err instanceof TypeError && (err as { cause?: unknown }).cause === undefined
}
