import type { Context } from 'hono'
import { deleteCookie, getCookie, setCookie } from 'hono/cookie'

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

export function readRefreshCookie(c: Context, secure: boolean): string | undefined {
  return secure ? getCookie(c, 'rt', 'secure') : getCookie(c, 'rt')
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

export function clearRefreshCookie(c: Context, secure: boolean): void {
  deleteCookie(c, 'rt', {
    path: PATH,
    httpOnly: true,
    sameSite: 'Strict',
    ...(secure ? { prefix: 'secure' as const, secure: true } : {}),
  })
}
