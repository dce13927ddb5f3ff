import type { Context } from 'hono'
import { getCookie, setCookie } from 'hono/cookie'
import type { CookieOptions } from 'hono/utils/cookie'

/**
 * The session cookie: `__Host-sid` (Secure, Path=/, no Domain) with COOKIE_SECURE=1, plain `sid` otherwise (for
 * plain-http hosts other than localhost). Always HttpOnly (scripts cannot read it) and SameSite=Lax (defence in
 * depth; the CSRF control is the cross-site guard). No Max-Age: a browser-session cookie, the server decides expiry.
 * The name is not hono-sessions' default `session`, which would fingerprint the stack.
 */
export interface SessionCookie {
  /** The name hono-sessions is given (it adds the prefix itself). */
  baseName: string
  /** The name on the wire. */
  name: string
  options: CookieOptions
}

export function sessionCookie(secure: boolean): SessionCookie {
  return secure
    ? {
        baseName: 'sid',
        name: '__Host-sid',
        options: { prefix: 'host', secure: true, httpOnly: true, sameSite: 'Lax', path: '/' },
      }
    : { baseName: 'sid', name: 'sid', options: { httpOnly: true, sameSite: 'Lax', path: '/' } }
}

export function readSessionCookie(c: Context, cookie: SessionCookie): string | undefined {
  return getCookie(c, cookie.baseName, cookie.options.prefix)
}

export function setSessionCookie(c: Context, cookie: SessionCookie, id: string): void {
  setCookie(c, cookie.baseName, id, cookie.options)
}

/** Empty value + Max-Age=0 + an Expires in the past: every browser drops it. */
export function clearSessionCookie(c: Context, cookie: SessionCookie): void {
  setCookie(c, cookie.baseName, '', { ...cookie.options, maxAge: 0, expires: new Date(0) })
}

/**
 * Removes every Set-Cookie for the session cookie from the response being built. hono-sessions sets its cookie on
 * every response (and twice on rotation, the first one naming a deleted ID); the session layer strips them all
 * and then sets at most one cookie of its own.
 */
export function stripSessionCookies(c: Context, cookie: SessionCookie): void {
  const headers = c.res.headers
  const all = headers.getSetCookie()
  const keep = all.filter((v) => !v.startsWith(`${cookie.name}=`))
  if (keep.length === all.length) return
  headers.delete('set-cookie')
  for (const v of keep) headers.append('set-cookie', v)
}
