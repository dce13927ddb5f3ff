import type { AppName, StartOptions } from '@auth-lab/test'
import type { Profile } from './types.js'

/** The HS256 test secret (48 ASCII bytes, used as its UTF-8 bytes, as JWT_SECRET is). Known so cases can mint. */
export const TEST_SECRET = 'auth-lab-test-secret-7f3c9a1e5b2d4068-not-for-prod'
export const TEST_SECRET_BYTES = new TextEncoder().encode(TEST_SECRET)

/** Generous limits so the many failed logins of the input cases do not throttle each other. */
const LOOSE_THROTTLE = { THROTTLE_USER_MAX: '1000', THROTTLE_IP_MAX: '1000000' }
/** Short timers (catalogue §0): idle 3 s / absolute 7 s sessions; 2 s access tokens, refresh idle 3 s / absolute 7 s. */
export const SHORT = {
  stateful: { SESSION_IDLE_TTL: '3', SESSION_ABSOLUTE_TTL: '7' },
  stateless: { ACCESS_TTL: '2', CLOCK_TOLERANCE: '0', REFRESH_TTL: '3', REFRESH_ABSOLUTE_TTL: '7' },
} as const
export const THROTTLE_WINDOW_S = 4
/** SESSION_COOKIE_CACHE of the `cookie-cache` and `cookie-cache-short` profiles (seconds). */
export const COOKIE_CACHE_S = 60
export const COOKIE_CACHE_SHORT_S = 2

export const JWT_ALG_OF: Partial<Record<Profile, string>> = { rs256: 'RS256', es256: 'ES256', eddsa: 'EdDSA' }

/**
 * Server options per profile. Attack servers run like production cookies (COOKIE_SECURE=1: `__Host-sid`,
 * `__Secure-rt`); argon2 is cheap (256 KiB, t=1) except for the timing profile, which uses the real default cost.
 */
export function profileOptions(app: AppName, profile: Profile): StartOptions {
  const base: Record<string, string> = { COOKIE_SECURE: '1' }
  const hs: Record<string, string> = app === 'stateless' ? { JWT_ALG: 'HS256', JWT_SECRET: TEST_SECRET } : {}
  switch (profile) {
    case 'main':
      return { app, env: { ...base, ...LOOSE_THROTTLE, ...hs } }
    case 'short':
      return { app, env: { ...base, ...LOOSE_THROTTLE, ...hs, ...SHORT[app] } }
    case 'throttle':
    case 'throttle-xff':
      return {
        app,
        env: {
          ...base,
          ...hs,
          THROTTLE_USER_MAX: '5',
          THROTTLE_IP_MAX: '50',
          THROTTLE_WINDOW: String(THROTTLE_WINDOW_S),
        },
        victims: 60,
      }
    case 'burst':
      // Issue 10 F1: the default limits (5 per account, 50 per address) over a long window, so a burst of
      // concurrent guesses is judged by the limit alone, never by failures ageing out mid-burst.
      return {
        app,
        env: { ...base, ...hs, THROTTLE_USER_MAX: '5', THROTTLE_IP_MAX: '50', THROTTLE_WINDOW: '900' },
        victims: 4,
      }
    case 'version':
      // stateless with REVOCATION=version: every request reads the user (disabled, deleted, token_version).
      if (app !== 'stateless') throw new Error('profile version is for the stateless app')
      return { app, env: { ...base, ...LOOSE_THROTTLE, ...hs, REVOCATION: 'version' } }
    case 'timing':
      return { app, cost: 'real', env: { ...base, ...LOOSE_THROTTLE, ...hs }, victims: 0 }
    case 'keyfile':
      // stateless, HS256 from the generated key file (no JWT_SECRET), reloaded every second: key removal cases.
      if (app !== 'stateless') throw new Error('profile keyfile is for the stateless app')
      return { app, env: { ...base, ...LOOSE_THROTTLE, JWT_ALG: 'HS256', KEY_RELOAD_INTERVAL: '1' } }
    case 'cookie-cache':
    case 'cookie-cache-short':
      // stateful with the session cookie cache (issue 11 item 8): 60 s snapshots, or 2 s to wait one out.
      if (app !== 'stateful') throw new Error(`profile ${profile} is for the stateful app`)
      return {
        app,
        env: {
          ...base,
          ...LOOSE_THROTTLE,
          SESSION_COOKIE_CACHE:
            profile === 'cookie-cache' ? String(COOKIE_CACHE_S) : String(COOKIE_CACHE_SHORT_S),
        },
      }
    case 'rs256':
    case 'es256':
    case 'eddsa':
      if (app !== 'stateless') throw new Error(`profile ${profile} is for the stateless app`)
      return { app, env: { ...base, ...LOOSE_THROTTLE, JWT_ALG: JWT_ALG_OF[profile] ?? '' } }
  }
}
