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
  'x-lab-steal',
]
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
    const spec = findInstance(children.specs(), c.req.path)
    if (!spec) return c.json({ error: 'not_found', message: 'no such instance' }, 404)
    const url = new URL(c.req.url)
    const rest = url.pathname.slice(spec.prefix.length) || '/'
    const headers = new Headers(c.req.raw.headers)
    for (const h of HOP) headers.delete(h)
    const cookie = cookiesForInstance(dedupeCookieHeader(c.req.header('cookie')), spec.prefix)
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

    const body = c.req.method === 'GET' || c.req.method === 'HEAD' ? undefined : await c.req.arrayBuffer()
    let upstream: Response
    try {
      upstream = await fetch(`http://127.0.0.1:${spec.port}${rest}${url.search}`, {
        method: c.req.method,
        headers,
        body,
        redirect: 'manual',
        signal: AbortSignal.timeout(30_000),
      })
    } catch {
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
