import { createHash, timingSafeEqual } from 'node:crypto'
import type { Context, Env, Hono, MiddlewareHandler } from 'hono'
import { HTTPException } from 'hono/http-exception'
import { routePath } from 'hono/route'
import { secureHeaders } from 'hono/secure-headers'
import type { Metrics } from '../metrics/metrics.js'
import { HashQueueFullError } from '../users/hash-queue.js'
import { ApiError, errorResponse, isStoreError, StoreUnavailableError, storeUnavailable } from './errors.js'

export interface CommonOptions {
  app: 'stateful' | 'stateless' | string
  instanceId: string
  metrics: Metrics
  logRequests: boolean
  /** Bearer token for GET /metrics (METRICS_TOKEN); without one /metrics answers 404. */
  metricsToken?: string
  /** Where unexpected errors are reported (default console.error); tests silence or capture it. */
  onUnexpected?: (err: unknown) => void
}

/**
 * The first middleware of both apps. Keeping it in one place is what makes the benchmark fair: the stateful and the
 * stateless app pay for exactly the same headers, metrics and (when enabled) logging.
 * Content-Security-Policy is strict: the demo pages load their script and style from our own origin, nothing inline.
 */
export function commonMiddleware(opts: CommonOptions): MiddlewareHandler[] {
  const list: MiddlewareHandler[] = []
  if (opts.logRequests) list.push(requestLogger())
  list.push(
    secureHeaders({
      contentSecurityPolicy: {
        defaultSrc: ["'none'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        connectSrc: ["'self'"],
        imgSrc: ["'self'"],
        formAction: ["'none'"],
        frameAncestors: ["'none'"],
        baseUri: ["'none'"],
      },
    }),
  )
  list.push(async function countRequests(c, next) {
    await next()
    opts.metrics.requests.inc({ method: c.req.method, route: routePath(c, -1), status: c.res.status })
  })
  return list
}

/**
 * LOG_REQUESTS=1: one line when a request arrives and one when it is answered, in hono `logger()`'s format but
 * WITHOUT the query string. hono's logger prints the whole request target, so a client that sends a credential in
 * the URL — RFC 6750 §2.3 `?access_token=…` (which many client libraries support), a refresh token or a password as
 * a parameter — had it written to the log in clear (found in review, session 10: `GET /me?access_token=eyJ…`). No
 * route reads anything from a query string, so the log loses nothing it needs; `?…` says one was there.
 */
export function requestLogger(print: (line: string) => void = console.log): MiddlewareHandler {
  return async function requestLogger(c, next) {
    const { method, url } = c.req
    const target = url.slice(url.indexOf('/', url.indexOf('//') + 2))
    // The fragment too (review X4): a browser never sends one, but Node passes `GET /cb#access_token=… HTTP/1.1`
    // through to the URL, and an implicit-flow style callback copied verbatim by a client carries its token there.
    const cut = target.search(/[?#]/)
    const path = cut < 0 ? target : `${target.slice(0, cut)}${target[cut]}…`
    print(`<-- ${method} ${path}`)
    const began = Date.now()
    await next()
    const ms = Date.now() - began
    print(`--> ${method} ${path} ${c.res.status} ${ms < 1000 ? `${ms}ms` : `${Math.round(ms / 1000)}s`}`)
  }
}

/**
 * Installs the pieces both apps share: error mapping, 404/405, /health and /metrics. Call after `commonMiddleware`
 * and before the app's own routes.
 */
export function installCommon<E extends Env>(app: Hono<E>, opts: CommonOptions): void {
  for (const mw of commonMiddleware(opts)) app.use(mw)

  app.onError((err, c) => toErrorResponse(c, err, opts.onUnexpected ?? defaultReport))
  app.notFound((c) => {
    const allow = allowedMethods(app, c.req.path)
    if (allow.length > 0) {
      return errorResponse(
        c,
        new ApiError('method_not_allowed', `use ${allow.join(', ')}`, { Allow: allow.join(', ') }),
      )
    }
    return errorResponse(c, new ApiError('not_found', 'no such resource'))
  })

  // Liveness only: app and instance name (INSTANCE_ID, random by default), no PID, version or host detail.
  app.get('/health', (c) => c.json({ status: 'ok', app: opts.app, instance: opts.instanceId }))
  app.get('/metrics', metricsGuard(opts.metricsToken), async (c) => {
    c.header('Content-Type', opts.metrics.registry.contentType)
    c.header('Cache-Control', 'no-store')
    return c.body(await opts.metrics.text())
  })
}

/**
 * /metrics tells whoever reads it how many logins fail, store traffic and the Node version (issue 10, F9), so it is
 * closed unless METRICS_TOKEN is set, and then needs `Authorization: Bearer <token>`. A bearer token rather than a
 * separate listener: one env var and one header (Prometheus `authorization.credentials`), the same port through any
 * proxy or load balancer, and testable with `app.request`. Unset → 404, as if the route did not exist.
 */
export function metricsGuard(token: string | undefined): MiddlewareHandler {
  const expected = token === undefined ? undefined : createHash('sha256').update(token).digest()
  return async function metricsGuard(c, next) {
    if (!expected) throw new ApiError('not_found', 'no such resource')
    const m = /^Bearer[ ]+(\S+)\s*$/i.exec(c.req.header('authorization') ?? '')
    // Compare digests so the comparison is constant-time whatever length was sent.
    const given = createHash('sha256')
      .update(m?.[1] ?? '')
      .digest()
    if (!m || !timingSafeEqual(given, expected)) {
      throw new ApiError('unauthenticated', 'metrics need the bearer token', {
        'WWW-Authenticate': 'Bearer realm="metrics"',
      })
    }
    await next()
  }
}

/** Sets `Cache-Control: no-store` (and `Pragma: no-cache` for old caches) on responses that carry credentials. */
export const noStore: MiddlewareHandler = async function noStore(c, next) {
  // Set BEFORE the handler runs: a header set after `await next()` makes @hono/node-server rebuild its lightweight
  // response as a full undici Response, which measured ~85 µs of server CPU per request (2.5× a plain request) and
  // would skew every benchmark through this middleware. Handlers build responses with c.json/c.body, which keep it.
  c.header('Cache-Control', 'no-store')
  c.header('Pragma', 'no-cache')
  await next()
}

/** Maps anything thrown to the shared JSON shape. Unknown errors become a bare 500 with nothing leaked. */
export function toErrorResponse(
  c: Context,
  err: unknown,
  report: (err: unknown) => void = defaultReport,
): Response {
  if (err instanceof ApiError) return errorResponse(c, err)
  if (err instanceof StoreUnavailableError) {
    report(err)
    return errorResponse(c, storeUnavailable())
  }
  if (isStoreError(err)) {
    report(err)
    return errorResponse(
      c,
      new ApiError('service_unavailable', 'the store is unavailable; try again', { 'Retry-After': '1' }),
    )
  }
  if (err instanceof HashQueueFullError) {
    // Hashing a new password (password change) while a login flood fills the argon2 queue: busy, not broken.
    return errorResponse(
      c,
      new ApiError('service_unavailable', 'the server is busy; try again shortly', {
        'Retry-After': String(err.retryAfterSeconds),
      }),
    )
  }
  if (err instanceof HTTPException) {
    const code =
      err.status === 413 ? 'payload_too_large' : err.status === 404 ? 'not_found' : 'invalid_request'
    if (err.status >= 500) report(err)
    return errorResponse(c, new ApiError(err.status >= 500 ? 'internal_error' : code, 'request refused'))
  }
  report(err)
  return errorResponse(c, new ApiError('internal_error', 'internal error'))
}

function defaultReport(err: unknown): void {
  console.error('[auth-lab] unexpected error:', err)
}

function allowedMethods<E extends Env>(app: Hono<E>, path: string): string[] {
  const methods = new Set<string>()
  for (const r of app.routes) {
    if (r.method === 'ALL' || r.path === '/*' || r.path === '*') continue
    if (patternToRegExp(r.path).test(path)) methods.add(r.method)
  }
  if (methods.has('GET')) methods.add('HEAD')
  return [...methods].sort()
}

function patternToRegExp(pattern: string): RegExp {
  const escaped = pattern
    .split('/')
    .map((seg) => (seg.startsWith(':') ? '[^/]+' : seg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('/')
  return new RegExp(`^${escaped}$`)
}
