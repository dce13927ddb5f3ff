/**
 * The one HTTP client of the harness: login (one user or many), logout, logout-all, refresh, password change and
 * /me probes, as a user (or an attacker replaying a stolen credential) drives them, plus `mapLimit` for bounded
 * concurrency.
 * It keeps what a browser would keep: the session cookie (stateful), the access token in memory and the refresh
 * cookie (stateless), and the balancer's affinity cookie when one is set. No Origin header is sent, so the apps'
 * cross-site guard lets the requests through (see docs/api.md).
 */
import type { AppKind } from './configs.js'
import { AFFINITY_COOKIE } from './proxy.js'
import { BENCH_PASSWORD } from './users.js'

export interface Credential {
  app: AppKind
  username: string
  password: string
  /** Stateful: `sid=<value>` (or `__Host-sid=`), exactly as sent in the Cookie header. */
  session?: string
  /** Stateful with SESSION_COOKIE_CACHE: the session snapshot cookie `sid_cache=<value>` (or `__Host-sid_cache=`). */
  snapshot?: string
  /** Stateless: the access token sent as `Authorization: Bearer`. */
  access?: string
  /** Stateless: `rt=<value>` (or `__Secure-rt=`), sent only to /auth/*. */
  refresh?: string
  /** `lb=<upstream>` set by a sticky balancer; sent on every request like any Path=/ cookie. */
  affinity?: string
}

/** What a request ended in: an HTTP status, or `error` when no HTTP answer came (refused, reset, timeout). */
export type Outcome = number | 'error'

const SESSION_NAMES = ['sid', '__Host-sid']
const REFRESH_NAMES = ['rt', '__Secure-rt']
const SNAPSHOT_NAMES = ['sid_cache', '__Host-sid_cache']

/** Cookie header a browser would send to `path` for this credential. */
function cookieHeader(cred: Credential, path: string): string | undefined {
  const parts: string[] = []
  if (cred.session) parts.push(cred.session)
  if (cred.snapshot) parts.push(cred.snapshot)
  if (cred.refresh && path.startsWith('/auth')) parts.push(cred.refresh)
  if (cred.affinity) parts.push(cred.affinity)
  return parts.length > 0 ? parts.join('; ') : undefined
}

/** Request headers carrying `cred` to `path` (also what a load generator sets per connection). */
export function authHeaders(cred: Credential, path = '/me'): Record<string, string> {
  const headers: Record<string, string> = {}
  const cookie = cookieHeader(cred, path)
  if (cookie) headers.cookie = cookie
  if (cred.access) headers.authorization = `Bearer ${cred.access}`
  return headers
}

/** Folds the cookies and tokens of a response into the credential (what a browser + SPA would keep). */
async function absorb(cred: Credential, res: Response): Promise<Credential> {
  let body: unknown
  if (res.headers.get('content-type')?.includes('application/json') && res.status === 200)
    body = await res.json()
  else await res.arrayBuffer()
  return absorbAnswer(cred, res.headers.getSetCookie(), body)
}

/**
 * The credential as a browser holds it after an answer with these Set-Cookie lines and (for a 200 JSON answer)
 * this parsed body: a cleared cookie (`name=`) drops it, an access token in the body replaces the old one. Shared by
 * the fetch client above and the bulk-login client (fast-login.ts).
 */
export function absorbAnswer(cred: Credential, setCookies: readonly string[], body: unknown): Credential {
  const next: Credential = { ...cred }
  const session = lastCookie(setCookies, SESSION_NAMES)
  if (session !== undefined) next.session = session.endsWith('=') ? undefined : session
  const snapshot = lastCookie(setCookies, SNAPSHOT_NAMES)
  if (snapshot !== undefined) next.snapshot = snapshot.endsWith('=') ? undefined : snapshot
  const refresh = lastCookie(setCookies, REFRESH_NAMES)
  if (refresh !== undefined) next.refresh = refresh.endsWith('=') ? undefined : refresh
  const affinity = lastCookie(setCookies, [AFFINITY_COOKIE])
  if (affinity !== undefined) next.affinity = affinity
  const access = (body as { access_token?: unknown } | undefined)?.access_token
  if (typeof access === 'string') next.access = access
  return next
}

export class HttpStatusError extends Error {
  constructor(
    readonly status: Outcome,
    readonly what: string,
  ) {
    super(`${what} answered ${status}`)
    this.name = 'HttpStatusError'
  }
}

async function send(
  base: string,
  path: string,
  init: RequestInit,
  timeoutMs: number,
): Promise<Response | 'error'> {
  try {
    return await fetch(`${base}${path}`, { ...init, signal: AbortSignal.timeout(timeoutMs) })
  } catch {
    return 'error'
  }
}

const JSON_HEADERS = { 'content-type': 'application/json' }

/** The last `name=value` pair among Set-Cookie headers whose name is one of `names` (ignores attributes). */
export function lastCookie(setCookies: readonly string[], names: string[]): string | undefined {
  let found: string | undefined
  for (const sc of setCookies) {
    const pair = sc.split(';', 1)[0]?.trim() ?? ''
    const name = pair.slice(0, pair.indexOf('='))
    if (names.includes(name)) found = pair
  }
  return found
}

/** Bytes one credential adds to each request: the header lines as sent (`name: value\r\n`). */
export function credentialBytes(headers: Record<string, string>): number {
  let n = 0
  for (const [k, v] of Object.entries(headers)) n += Buffer.byteLength(`${k}: ${v}\r\n`)
  return n
}

/**
 * Logs in; throws HttpStatusError unless the app answers 200, and an Error when the answer carries no credential
 * (no session cookie from the stateful app, no access token from the stateless one).
 */
export async function login(
  base: string,
  app: AppKind,
  username: string,
  password = BENCH_PASSWORD,
  affinity?: string,
): Promise<Credential> {
  const start: Credential = { app, username, password, affinity }
  const res = await send(
    base,
    '/auth/login',
    {
      method: 'POST',
      headers: { ...JSON_HEADERS, ...authHeaders(start, '/auth/login') },
      body: JSON.stringify({ username, password }),
    },
    30_000,
  )
  if (res === 'error' || res.status !== 200) {
    if (res !== 'error') await res.arrayBuffer()
    throw new HttpStatusError(res === 'error' ? 'error' : res.status, `login of ${username} at ${base}`)
  }
  const cred = await absorb(start, res)
  if (app === 'stateful' ? !cred.session : !cred.access)
    throw new Error(
      `login of ${username} at ${base} returned no ${app === 'stateful' ? 'session cookie' : 'access token'}`,
    )
  return cred
}

/** Logs every username in (a few at a time) and returns the credentials in the same order. */
export function loginUsers(
  base: string,
  app: AppKind,
  usernames: readonly string[],
  concurrency = 8,
): Promise<Credential[]> {
  return mapLimit(usernames, concurrency, (u) => login(base, app, u))
}

/** GET /me with the credential; the status, or `error` when the server did not answer. */
export async function meStatus(base: string, cred: Credential, timeoutMs = 5000): Promise<Outcome> {
  const res = await send(base, '/me', { headers: authHeaders(cred, '/me') }, timeoutMs)
  if (res === 'error') return 'error'
  await res.arrayBuffer()
  return res.status
}

/**
 * GET /me keeping what the browser would keep from the answer: with the stateful app's SESSION_COOKIE_CACHE, the
 * session snapshot cookie the first /me after login sets (later requests then carry it, as a browser's would).
 */
export async function meAndKeep(
  base: string,
  cred: Credential,
): Promise<{ outcome: Outcome; cred: Credential }> {
  const res = await send(base, '/me', { headers: authHeaders(cred, '/me') }, 30_000)
  if (res === 'error') return { outcome: 'error', cred }
  return { outcome: res.status, cred: await absorb(cred, res) }
}

/** POST with the credential; returns the outcome and the credential as the browser would hold it afterwards. */
async function post(
  base: string,
  path: string,
  cred: Credential,
  body?: unknown,
): Promise<{ outcome: Outcome; cred: Credential }> {
  const headers: Record<string, string> = authHeaders(cred, path)
  const init: RequestInit = { method: 'POST', headers }
  if (body !== undefined) {
    headers['content-type'] = 'application/json'
    init.body = JSON.stringify(body)
  }
  const res = await send(base, path, init, 30_000)
  if (res === 'error') return { outcome: 'error', cred }
  return { outcome: res.status, cred: await absorb(cred, res) }
}

export const logout = (base: string, cred: Credential) => post(base, '/auth/logout', cred)
export const logoutAll = (base: string, cred: Credential) => post(base, '/auth/logout-all', cred)
export const refresh = (base: string, cred: Credential) => post(base, '/auth/refresh', cred)
export const changePassword = (base: string, cred: Credential, newPassword: string) =>
  post(base, '/auth/password', cred, { current_password: cred.password, new_password: newPassword })

/** Runs `fn` over `items` with at most `limit` in flight; results keep the input order. */
export async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const out = new Array<R>(items.length)
  let next = 0
  const worker = async () => {
    while (next < items.length) {
      const i = next++
      out[i] = await fn(items[i] as T, i)
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker))
  return out
}
