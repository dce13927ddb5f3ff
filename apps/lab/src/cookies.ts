/**
 * Cookie plumbing for the same-origin proxy. Both apps set their cookies for their own origin root (`sid`, Path=/)
 * or for `/auth` (`rt`). Mounted under a prefix on one origin they would collide, and `rt` would never be sent to
 * `/stateless/auth/refresh`. So the proxy moves each cookie under its instance's prefix (`Path=/` → `/stateful`,
 * `Path=/auth` → `/stateless/auth`): the browser keeps one cookie per pane and scopes it exactly as the app meant,
 * relative to the prefix. Nothing else changes (HttpOnly, SameSite, Max-Age stay as the app set them).
 *
 * `__Host-` cookies (HTTPS mode: `__Host-sid`) MUST keep `Path=/` (and Secure, no Domain), or the browser drops
 * them. So they are not moved but renamed per pane: `__Host-sid` from the `/stateful` instance becomes
 * `__Host-stateful.sid` on the lab origin (still a valid `__Host-` cookie: the prefix only constrains the start of
 * the name), and on the way in `cookiesForInstance` gives each instance back only its own, under its own name.
 * `__Secure-` cookies (`__Secure-rt`) only need Secure, so they move like any other.
 */
const HOST = '__Host-'
const tagOf = (prefix: string) => `${prefix.replace(/^\//, '')}.`

export function rewriteSetCookie(header: string, prefix: string): string {
  const parts = header.split(';')
  if ((parts[0] ?? '').trimStart().startsWith(HOST)) {
    // Path=/ stays (the prefix requires it); the name carries the pane instead.
    parts[0] = (parts[0] ?? '').trimStart().replace(HOST, `${HOST}${tagOf(prefix)}`)
    return parts.join(';')
  }
  let sawPath = false
  const out = parts.map((part, i) => {
    if (i === 0) return part
    const m = /^\s*path\s*=\s*(.*)$/i.exec(part)
    if (!m) return part
    sawPath = true
    const path = (m[1] ?? '').trim()
    return ` Path=${path === '' || path === '/' ? prefix : prefix + (path.startsWith('/') ? path : `/${path}`)}`
  })
  if (!sawPath) out.push(` Path=${prefix}`)
  return out.join(';')
}

/**
 * The Cookie header forwarded to an instance. A browser may hold a same-named cookie from visiting the app directly
 * (`sid` with Path=/ from localhost:3001: cookies are per host, not per port). The browser lists longer paths
 * first (RFC 6265 §5.4), so keeping the first cookie of each name keeps the pane's own.
 */
export function dedupeCookieHeader(header: string | undefined): string | undefined {
  if (!header) return undefined
  const seen = new Set<string>()
  const keep: string[] = []
  for (const raw of header.split(';')) {
    const pair = raw.trim()
    if (!pair) continue
    const name = pair.split('=', 1)[0] ?? ''
    if (seen.has(name)) continue
    seen.add(name)
    keep.push(pair)
  }
  return keep.length ? keep.join('; ') : undefined
}

/**
 * The Cookie header an instance gets: its own `__Host-<pane>.<name>` cookies renamed back to `__Host-<name>`,
 * other panes' `__Host-` cookies dropped (they are sent to every path, Path=/), everything else unchanged.
 */
export function cookiesForInstance(
  header: string | undefined,
  prefix: string,
  app?: 'stateful' | 'stateless',
): string | undefined {
  if (!header) return undefined
  const own = `${HOST}${tagOf(prefix)}`
  const names = app ? APP_COOKIES[app] : undefined
  const keep: string[] = []
  for (const raw of header.split(';')) {
    const pair = raw.trim()
    if (!pair) continue
    const renamed = pair.startsWith(own) ? HOST + pair.slice(own.length) : pair.startsWith(HOST) ? null : pair
    if (renamed === null) continue
    // Only the cookies the instance's app reads (found in review: in plain-http mode a `sid` set by visiting :3001
    // directly, Path=/, rode along to the stateless apps, and the pocket sent that session ID there).
    if (names && !names.test(renamed.split('=', 1)[0] ?? '')) continue
    keep.push(renamed)
  }
  return keep.length ? keep.join('; ') : undefined
}

/** The cookie names each app reads, in plain-http and HTTPS mode (session, session snapshot; refresh token). */
const APP_COOKIES = {
  stateful: /^(__Host-)?(sid|sid_cache)$/,
  stateless: /^(__Secure-)?rt$/,
} as const

/** `name=value` pairs of a Cookie header (for the lab's own bookkeeping). */
export function parseCookieHeader(header: string | undefined): Map<string, string> {
  const map = new Map<string, string>()
  for (const raw of (header ?? '').split(';')) {
    const pair = raw.trim()
    const eq = pair.indexOf('=')
    if (eq > 0 && !map.has(pair.slice(0, eq))) map.set(pair.slice(0, eq), pair.slice(eq + 1))
  }
  return map
}

/**
 * A Set-Cookie with its value replaced by its length, for the page: it shows the cookie's name and flags (which
 * `fetch` cannot read: Set-Cookie is a forbidden response header) without handing an HttpOnly value to scripts.
 */
export function redactSetCookie(header: string): string {
  const semi = header.indexOf(';')
  const first = semi < 0 ? header : header.slice(0, semi)
  const eq = first.indexOf('=')
  const name = eq < 0 ? first : first.slice(0, eq)
  const value = eq < 0 ? '' : first.slice(eq + 1)
  return `${name}=<${value.length} chars>${semi < 0 ? '' : header.slice(semi)}`
}
