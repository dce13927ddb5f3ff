import type { Context } from 'hono'
import { deleteCookie, setCookie } from 'hono/cookie'

/**
 * The refresh-token cookie: `__Secure-rt` with COOKIE_SECURE=1, else `rt` (a `__Secure-` cookie must carry Secure,
 * which a plain-http localhost cannot deliver back). HttpOnly (no script reads it), SameSite=Strict (no cross-site
 * request carries it), Path=/auth (sent to /auth/refresh, /auth/logout and the other /auth routes, never to /me or
 * the page), Max-Age = the token's remaining life (idle expiry capped by the family's absolute expiry).
 */
export function refreshCookieName(secure: boolean): string {
  return secure ? '__Secure-rt' : 'rt'
}

const PATH = '/auth'

/**
 * Every value of the refresh cookie in the request, in header order. A browser sends two cookies of one name when
 * another path or domain set one too: cookie tossing (F5) — a sibling subdomain sets `rt` with `Domain=` and a more
 * specific `Path=/auth/refresh`, which browsers send FIRST. Taking the first value would swap the victim into the
 * attacker's family, so the refresh route refuses a request with more than one (`readSingleRefreshCookie`).
 */
export function readRefreshCookies(c: Context, secure: boolean): string[] {
  const name = refreshCookieName(secure)
  const header = c.req.header('cookie') ?? ''
  const out: string[] = []
  for (const part of header.split(';')) {
    const eq = part.indexOf('=')
    if (eq < 0 || part.slice(0, eq).trim() !== name) continue
    out.push(part.slice(eq + 1).trim())
  }
  return out
}

/** The refresh cookie if exactly one was sent; 'duplicate' when several were (F5); undefined when none. */
export function readSingleRefreshCookie(c: Context, secure: boolean): string | undefined | 'duplicate' {
  const all = readRefreshCookies(c, secure)
  if (all.length > 1) return 'duplicate'
  return all[0]
}

export function setRefreshCookie(
  c: Context,
  secure: boolean,
  token: string,
  expiresAt: number,
  now: number,
): void {
  const maxAge = Math.max(1, Math.floor((expiresAt - now) / 1000))
  setCookie(c, 'rt', token, {
    path: PATH,
    httpOnly: true,
    sameSite: 'Strict',
    maxAge,
    ...(secure ? { prefix: 'secure' as const, secure: true } : {}),
  })
}

export function clearRefreshCookie(c: Context, secure: boolean, path = PATH): void {
  deleteCookie(c, 'rt', {
    path,
    httpOnly: true,
    sameSite: 'Strict',
    ...(secure ? { prefix: 'secure' as const, secure: true } : {}),
  })
}

/**
 * Clears the refresh cookie at every path under /auth a tossed duplicate would use (host-only: a cookie another
 * subdomain set with `Domain=` can only be cleared by a response naming that domain, which we cannot know — but the
 * request carrying it is refused, so it swaps nobody into anything).
 */
export function clearRefreshCookies(c: Context, secure: boolean): void {
  for (const path of [PATH, '/auth/refresh', '/auth/logout']) {
    clearRefreshCookie(c, secure, path)
  }
}
