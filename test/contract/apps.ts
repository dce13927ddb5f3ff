import type { AppName, StartOptions } from '../helpers/index.js'

/**
 * Where the two apps legitimately differ, in one place: the suite reads these, it never branches on copied tests.
 * Everything else (routes, codes, headers, throttling, CSRF) is one contract.
 */
export interface AppTraits {
  /** Error code when a credential that was valid is no longer (logged out, revoked, expired). */
  revokedCode: 'unauthenticated' | 'invalid_token'
  /** Status of a successful password change: stateful 204 (cookie rotated), stateless 200 (a fresh token pair). */
  passwordChangeStatus: 204 | 200
  /** Cookie attributes with COOKIE_SECURE=0 (the default, plain-http localhost). */
  cookie: { name: string; sameSite: 'Lax' | 'Strict'; path: string }
  /** `auth.mechanism` in /me. */
  mechanism: 'session' | 'jwt'
  /** Short timers for the expiry tests (seconds). */
  short: Record<string, string>
  /** How long after login an unused credential stops working on the short server (s). */
  idleSeconds: number
}

export const TRAITS: Record<AppName, AppTraits> = {
  stateful: {
    revokedCode: 'unauthenticated',
    passwordChangeStatus: 204,
    cookie: { name: 'sid', sameSite: 'Lax', path: '/' },
    mechanism: 'session',
    short: { SESSION_IDLE_TTL: '3', SESSION_ABSOLUTE_TTL: '6' },
    idleSeconds: 3,
  },
  stateless: {
    revokedCode: 'invalid_token',
    passwordChangeStatus: 200,
    cookie: { name: 'rt', sameSite: 'Strict', path: '/auth' },
    mechanism: 'jwt',
    // The access token lives 2 s; the refresh token 3 s idle and 6 s per family.
    short: { ACCESS_TTL: '2', CLOCK_TOLERANCE: '0', REFRESH_TTL: '3', REFRESH_ABSOLUTE_TTL: '6' },
    idleSeconds: 3,
  },
}

/** Known HS256 secret (32 random bytes: low-entropy ones are refused at start, F6) so no key file is needed. */
export const CONTRACT_SECRET = 'M2i5Ds0Mxlb2n0Vv6dAQybCr-lymOj2vB8e-2HRdGI8'

/** Where the app keeps sessions / refresh state: the shared SQLite file (default) or Redis (issue 12). */
export type StoreKind = 'sqlite' | 'redis'

/** The configurations the main contract runs over: each app on SQLite and on Redis. */
export const CONFIGS: readonly { name: string; app: AppName; store: StoreKind }[] = [
  { name: 'stateful', app: 'stateful', store: 'sqlite' },
  { name: 'stateless', app: 'stateless', store: 'sqlite' },
  { name: 'stateful-redis', app: 'stateful', store: 'redis' },
  { name: 'stateless-redis', app: 'stateless', store: 'redis' },
]

export function contractServer(app: AppName, kind: 'main' | 'short' | 'timing'): StartOptions {
  const jwt: Record<string, string> = app === 'stateless' ? { JWT_SECRET: CONTRACT_SECRET } : {}
  const loose = { THROTTLE_USER_MAX: '1000', THROTTLE_IP_MAX: '100000' }
  if (kind === 'main') return { app, env: { ...jwt } } // default throttle (5 per user, 50 per IP), COOKIE_SECURE=0
  if (kind === 'short') return { app, env: { ...jwt, ...loose, ...TRAITS[app].short } }
  // Real argon2 cost (OWASP minimum): the timing check is about argon2 work for known vs unknown users.
  return { app, cost: 'real', env: { ...jwt, ...loose }, victims: 0 }
}
