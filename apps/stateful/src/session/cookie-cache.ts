/**
 * The session cookie cache (SESSION_COOKIE_CACHE=<seconds>, opt-in, issue 11 item 8): the hybrid many teams run.
 * Better Auth's `cookieCache` keeps a signed snapshot of the session in a second cookie so most requests skip the
 * store; this is the same idea, kept as small as it can be, to measure both of its sides.
 *
 * What is issued: a second cookie, `sid_cache` (`__Host-sid_cache` with COOKIE_SECURE=1; HttpOnly, SameSite=Lax,
 * Max-Age = the TTL), holding `<payload>.<mac>`:
 * - payload (base64url JSON): user id, role, username, issued-at, expiry, and the session's own expiry as of then;
 * - mac: HMAC-SHA256 under a server key (cookie-cache-key.ts) over the payload AND the SHA-256 of the session ID
 *   (`idHash`) it was issued for. The binding is in the MAC, not in the cookie: a snapshot moved next to another
 *   session ID (another user's, or a new login's) no longer verifies.
 *
 * When it is trusted: only on `GET /me` (the read a page makes on every load), only next to the session cookie it is
 * bound to, and only while `iat <= now < min(exp, iat + TTL)` with exp itself ≤ iat + TTL and ≤ the session's idle
 * and absolute expiry when it was issued. Then the request is answered from the snapshot WITHOUT a store read.
 * Otherwise (none, forged, altered, moved, expired) the request goes to the store as usual, and a successful store
 * read writes a fresh snapshot. Every other route (logout, logout-all, password, session list) always uses the store.
 *
 * What it costs — on purpose, because it is the thing to measure: a revoked session stays valid on `/me` until its
 * snapshot expires (better-auth #6893, "the revocation window"). Logout clears the cookie in the browser that logged
 * out, but a copy of the cookies, another device after logout-all, or a session ended by a password change keeps
 * answering for up to the TTL. docs/security.md says what it may and may not be used for.
 */
import { createHmac, type KeyObject, timingSafeEqual } from 'node:crypto'
import type { CacheCounters, Clock, PublicUser } from '@auth-lab/shared'
import { authTimer } from '@auth-lab/shared'
import type { Context, MiddlewareHandler } from 'hono'
import { getCookie, setCookie } from 'hono/cookie'
import type { CookieOptions } from 'hono/utils/cookie'
import { readSessionCookie, sessionCookie } from './cookie.js'
import type { ValidSession } from './sessions.js'
import { hashSessionId, isWellFormedSessionId, sessionExpiresAt } from './sessions.js'

export const COOKIE_CACHE_NAME = 'session_cookie'
const BASE_NAME = 'sid_cache'
/** Domain separation: this key signs nothing else, but the MAC says what it is for. */
const MAC_CONTEXT = 'auth-lab session-cache v1\0'
/** Far above any snapshot we write (~200 chars); refuses junk before any parsing. */
const MAX_VALUE_LENGTH = 512
const VALUE = /^([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]{43})$/

/** What a valid snapshot tells `/me`. */
export interface Snapshot {
  user: PublicUser
  /** Epoch ms: when it was issued, and until when it may answer. */
  iat: number
  exp: number
  /** Epoch ms: the session's expiry (earlier of idle and absolute) when the snapshot was issued. */
  sessionExpiresAt: number
}

interface Payload {
  u: number
  r: 'user' | 'admin'
  n: string
  iat: number
  exp: number
  se: number
}

export interface CookieCacheOptions {
  key: KeyObject
  ttlSeconds: number
  clock: Clock
  cookieSecure: boolean
  counters: CacheCounters
}

export class CookieCache {
  readonly ttlMs: number
  private readonly cookie: { name: string; options: CookieOptions }
  private readonly session

  constructor(private readonly opts: CookieCacheOptions) {
    if (!Number.isSafeInteger(opts.ttlSeconds) || opts.ttlSeconds < 1)
      throw new Error('CookieCache needs ttlSeconds >= 1 (SESSION_COOKIE_CACHE=0 means: no cache at all)')
    this.ttlMs = opts.ttlSeconds * 1000
    this.session = sessionCookie(opts.cookieSecure)
    const { options } = this.session
    this.cookie = { name: BASE_NAME, options: { ...options, maxAge: opts.ttlSeconds } }
  }

  /** The snapshot answering for the request's session cookie, or null (counted as a hit or a miss). */
  read(c: Context): Snapshot | null {
    const id = readSessionCookie(c, this.session)
    const value = getCookie(c, this.cookie.name, this.cookie.options.prefix)
    const snap = id !== undefined && value !== undefined ? this.verify(value, id) : null
    if (snap) this.opts.counters.hits++
    else this.opts.counters.misses++
    return snap
  }

  /** Verifies `value` for the session ID `id`: MAC (with the binding), shape, and the time window. */
  verify(value: string, id: string): Snapshot | null {
    if (value.length > MAX_VALUE_LENGTH || !isWellFormedSessionId(id)) return null
    const m = VALUE.exec(value)
    if (!m) return null
    const [, body, mac] = m as unknown as [string, string, string]
    const expected = this.mac(body, hashSessionId(id))
    const given = Buffer.from(mac, 'base64url')
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null
    const p = parsePayload(body)
    if (!p) return null
    const now = this.opts.clock()
    // Never past its own expiry nor past the TTL from its issue, whatever `exp` says.
    if (p.iat > now || now >= p.exp || now >= p.iat + this.ttlMs || p.exp > p.iat + this.ttlMs) return null
    return { user: { id: p.u, role: p.r, username: p.n }, iat: p.iat, exp: p.exp, sessionExpiresAt: p.se }
  }

  /** A fresh snapshot of a session the store just validated, bound to its `idHash`. */
  sign(valid: ValidSession): string {
    const now = this.opts.clock()
    const se = sessionExpiresAt(valid.session)
    const payload: Payload = {
      u: valid.user.id,
      r: valid.user.role,
      n: valid.user.username,
      iat: now,
      exp: Math.min(now + this.ttlMs, se),
      se,
    }
    const body = Buffer.from(JSON.stringify(payload)).toString('base64url')
    return `${body}.${this.mac(body, valid.session.idHash).toString('base64url')}`
  }

  write(c: Context, valid: ValidSession): void {
    setCookie(c, this.cookie.name, this.sign(valid), this.cookie.options)
  }

  /** Empty value + Max-Age=0: the browser drops its snapshot (logout and friends). */
  clear(c: Context): void {
    setCookie(c, this.cookie.name, '', { ...this.cookie.options, maxAge: 0, expires: new Date(0) })
  }

  private mac(body: string, idHash: string): Buffer {
    return createHmac('sha256', this.opts.key)
      .update(MAC_CONTEXT)
      .update(idHash)
      .update('\0')
      .update(body)
      .digest()
  }
}

function parsePayload(body: string): Payload | null {
  let p: Partial<Payload>
  try {
    p = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as Partial<Payload>
  } catch {
    return null
  }
  if (typeof p !== 'object' || p === null) return null
  const ms = (x: unknown): x is number => typeof x === 'number' && Number.isSafeInteger(x) && x >= 0
  if (!ms(p.u) || p.u < 1 || (p.r !== 'user' && p.r !== 'admin')) return null
  if (typeof p.n !== 'string' || p.n.length === 0 || p.n.length > 64) return null
  if (!ms(p.iat) || !ms(p.exp) || !ms(p.se)) return null
  return p as Payload
}

/** What the cookie-cache middlewares need from the app's deps (absent cache = they do nothing). */
export interface CookieCacheDeps {
  cookieCache?: CookieCache
}

/**
 * `GET /me` with a valid snapshot: answered by `respond` from the snapshot, no store read, no session layer.
 * Without one: on to the session layer (store read) and the handler.
 */
export function answerFromSnapshot(
  deps: CookieCacheDeps,
  respond: (c: Context, snap: Snapshot) => Response,
): MiddlewareHandler {
  const cache = deps.cookieCache
  return async function answerFromSnapshot(c, next) {
    if (!cache) return next()
    const done = authTimer()
    const snap = cache.read(c)
    if (!snap) return next()
    done(c)
    return respond(c, snap)
  }
}

/** After the session layer validated the session in the store: a fresh snapshot for the browser. */
export function refreshSnapshot(
  deps: CookieCacheDeps,
): MiddlewareHandler<{ Variables: { auth: ValidSession } }> {
  const cache = deps.cookieCache
  return async function refreshSnapshot(c, next) {
    if (cache) cache.write(c, c.get('auth'))
    await next()
  }
}

/** Drops the browser's snapshot (logout, logout-all, password change, revoking the current session). */
export function clearSnapshot(c: Context, deps: CookieCacheDeps): void {
  deps.cookieCache?.clear(c)
}
