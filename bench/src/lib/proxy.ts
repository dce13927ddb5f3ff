/**
 * A small load balancer for the load-balancer experiment: N upstream app instances behind one loopback port.
 *
 * Forwarding is Hono's own `proxy` helper (hono/proxy: hop-by-hop headers dropped, body streamed, Set-Cookie kept)
 * served by @hono/node-server; this module only chooses the upstream, counts, and handles dead instances.
 *
 * Policies:
 * - `round-robin`: request i goes to live upstream i mod N — what a stateless LB does by default.
 * - `sticky`: the balancer's own affinity cookie (`lb=<upstream id>`, set on the first response, as HAProxy
 *   `cookie … insert`, AWS ALB `AWSALB` or nginx `sticky cookie` do) pins a client to the instance that served it.
 *   Without that cookie a hash of the request's credential picks the upstream — the session cookie (`sid` /
 *   `__Host-sid`), else the refresh cookie (`rt` / `__Secure-rt`), else the Authorization header (like nginx
 *   `hash $cookie_sid`). A request with none of these (a login) is balanced round-robin, as HAProxy does with
 *   `balance roundrobin` + `cookie … insert`; `stickyFallback: 'address'` hashes the client address instead (nginx
 *   `ip_hash`), which on loopback sends every client to one instance. The affinity cookie is what makes sticky
 *   work at all for per-instance state: a login request carries no credential yet, so a credential hash alone
 *   would send the login to one instance and the next request (now carrying the new cookie) to another.
 *
 * A dead upstream (connection refused / reset) is marked down for `downForMs` and the request is retried once on
 * the next live upstream in order — so a killed instance's sticky users land on a neighbour, which is exactly
 * where they find out whether their credential is known there. Every response carries `X-Upstream: <id>`.
 */
import type { AddressInfo } from 'node:net'
import { serve } from '@hono/node-server'
import { getConnInfo } from '@hono/node-server/conninfo'
import { Hono } from 'hono'
import { proxy } from 'hono/proxy'

export type ProxyPolicy = 'round-robin' | 'sticky'

export interface Upstream {
  /** Label used in counts and the X-Upstream header (e.g. the app's INSTANCE_ID). */
  id: string
  /** Origin of the instance, e.g. http://127.0.0.1:40123 */
  url: string
}

export interface ProxyOptions {
  upstreams: Upstream[]
  policy: ProxyPolicy
  /** How long a refused upstream is skipped before it is tried again (default 1000 ms). */
  downForMs?: number
  /** Sticky policy, request without affinity cookie or credential: `round-robin` (default) or `address`. */
  stickyFallback?: 'round-robin' | 'address'
}

export interface UpstreamCount {
  /** Responses the upstream produced (any status). */
  responses: number
  /** Connection failures seen while trying it. */
  failures: number
}

export interface BalancerProxy {
  url: string
  port: number
  policy: ProxyPolicy
  counts(): Record<string, UpstreamCount>
  /** Requests answered 502 because no upstream could be reached. */
  badGateway(): number
  resetCounts(): void
  close(): Promise<void>
}

const STICKY_COOKIES = ['__Host-sid', 'sid', '__Secure-rt', 'rt'] as const
/** Name of the balancer's affinity cookie (sticky policy only). */
export const AFFINITY_COOKIE = 'lb'

/** The credential a sticky policy hashes: session cookie, then refresh cookie, then Authorization; null if none. */
export function stickyKey(headers: {
  cookie?: string | undefined
  authorization?: string | undefined
}): string | null {
  const cookies = parseCookieHeader(headers.cookie ?? '')
  for (const name of STICKY_COOKIES) {
    const value = cookies.get(name)
    if (value) return `${name}=${value}`
  }
  if (headers.authorization) return `authorization=${headers.authorization}`
  return null
}

export function parseCookieHeader(header: string): Map<string, string> {
  const out = new Map<string, string>()
  for (const part of header.split(';')) {
    const eq = part.indexOf('=')
    if (eq < 0) continue
    const name = part.slice(0, eq).trim()
    if (!out.has(name)) out.set(name, part.slice(eq + 1).trim())
  }
  return out
}

/** FNV-1a, 32 bit: cheap, stable across runs, spreads short keys well enough for 2–10 buckets. */
export function fnv1a(text: string): number {
  let hash = 0x811c9dc5
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i)
    hash = Math.imul(hash, 0x01000193)
  }
  return hash >>> 0
}

/** The error code of a connection-level failure (the upstream is gone), or null for anything else. */
function connectionErrorCode(err: unknown): string | null {
  const cause = (err as { cause?: { code?: string } } | null)?.cause
  const code = cause?.code ?? (err as { code?: string } | null)?.code
  const gone =
    code === 'ECONNREFUSED' ||
    code === 'ECONNRESET' ||
    code === 'EPIPE' ||
    code === 'UND_ERR_SOCKET' ||
    code === 'UND_ERR_CLOSED' ||
    code === 'UND_ERR_CONNECT_TIMEOUT'
  return gone ? (code as string) : null
}

/** Starts the balancer on 127.0.0.1 on a free port. */
export async function startProxy(opts: ProxyOptions): Promise<BalancerProxy> {
  if (opts.upstreams.length === 0) throw new Error('startProxy: at least one upstream is required')
  const upstreams = opts.upstreams
  const downForMs = opts.downForMs ?? 1000
  const downUntil = new Array<number>(upstreams.length).fill(0)
  let counts = new Map<string, UpstreamCount>()
  let badGateway = 0
  let rr = 0

  const count = (id: string): UpstreamCount => {
    let entry = counts.get(id)
    if (!entry) {
      entry = { responses: 0, failures: 0 }
      counts.set(id, entry)
    }
    return entry
  }
  const resetCounts = () => {
    counts = new Map(upstreams.map((u) => [u.id, { responses: 0, failures: 0 }]))
    badGateway = 0
  }
  resetCounts()

  /** Upstream indices to try, preferred first, skipping those marked down (all of them if every one is down). */
  const order = (preferred: number): number[] => {
    const now = Date.now()
    const all = upstreams.map((_, i) => (preferred + i) % upstreams.length)
    const live = all.filter((i) => (downUntil[i] ?? 0) <= now)
    return live.length > 0 ? live : all
  }

  const app = new Hono()
  app.all('*', async (c) => {
    const method = c.req.method
    // Buffered so a request refused by a dead upstream can be replayed on the next one (bodies here are tiny).
    const body = method === 'GET' || method === 'HEAD' ? undefined : await c.req.arrayBuffer()
    let address = 'unknown'
    try {
      address = getConnInfo(c).remote.address ?? 'unknown'
    } catch {
      // no socket (app.request in tests)
    }
    const headers: Record<string, string | undefined> = { ...c.req.header(), host: undefined }
    headers['x-forwarded-for'] = address
    const affinity =
      opts.policy === 'sticky' ? parseCookieHeader(headers.cookie ?? '').get(AFFINITY_COOKIE) : undefined
    const pinned = affinity === undefined ? -1 : upstreams.findIndex((u) => u.id === affinity)
    const key =
      opts.policy === 'sticky' && pinned < 0
        ? stickyKey({ cookie: headers.cookie, authorization: headers.authorization })
        : null
    let preferred: number
    if (opts.policy === 'round-robin') preferred = rr++ % upstreams.length
    else if (pinned >= 0) preferred = pinned
    else if (key !== null) preferred = fnv1a(key) % upstreams.length
    else if (opts.stickyFallback === 'address') preferred = fnv1a(address) % upstreams.length
    else preferred = rr++ % upstreams.length
    const url = new URL(c.req.url)
    const candidates = order(preferred).slice(0, 2) // the preferred one plus one failover attempt
    for (const index of candidates) {
      const upstream = upstreams[index] as Upstream
      try {
        const res = await proxy(`${upstream.url}${url.pathname}${url.search}`, { method, headers, body })
        count(upstream.id).responses++
        res.headers.set('x-upstream', upstream.id)
        // (Re-)pin the client when it had no affinity yet or its instance died and it was redispatched.
        if (opts.policy === 'sticky' && affinity !== upstream.id) {
          res.headers.append(
            'set-cookie',
            `${AFFINITY_COOKIE}=${upstream.id}; Path=/; HttpOnly; SameSite=Lax`,
          )
        }
        return res
      } catch (err) {
        const code = connectionErrorCode(err)
        if (code === null) throw err
        count(upstream.id).failures++
        downUntil[index] = Date.now() + downForMs
        // A refused connection never reached the app, so any request may be replayed; after a reset the app may
        // have acted on it (a consumed refresh token), so only safe methods are retried.
        if (code !== 'ECONNREFUSED' && body !== undefined) break
      }
    }
    badGateway++
    return c.json({ error: 'bad_gateway', message: 'no upstream reachable' }, 502)
  })

  const server = await new Promise<ReturnType<typeof serve>>((resolve, reject) => {
    const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s))
    s.once('error', reject)
  })
  const port = (server.address() as AddressInfo).port
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    policy: opts.policy,
    counts: () => Object.fromEntries([...counts].map(([id, n]) => [id, { ...n }])),
    badGateway: () => badGateway,
    resetCounts,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve())
        ;(server as { closeAllConnections?: () => void }).closeAllConnections?.()
      }),
  }
}
