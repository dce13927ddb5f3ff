import { ApiError, authTimer, clientIp, isStoreError } from '@auth-lab/shared'
import type { MiddlewareHandler } from 'hono'
import { sessionMiddleware } from 'hono-sessions'
import type { AppEnv } from '../types.js'
import type { SessionCookie } from './cookie.js'
import { clearSessionCookie, readSessionCookie, setSessionCookie, stripSessionCookies } from './cookie.js'
import { HonoSessionsStore } from './hono-sessions-store.js'
import type { SessionPolicy } from './policy.js'
import type { SessionStore } from './session-store.js'
import { isWellFormedSessionId } from './session-store.js'

/**
 * - `required`: no valid session → 401 `unauthenticated` (same for missing, unknown, expired and logged-out).
 *   Without a cookie at all, hono-sessions is not even run: no placeholder, no store access.
 * - `optional`: the handler runs either way (logout).
 * - `login`: like optional; the handler sets `session_key_rotation`, so the session always gets a new ID.
 */
export type SessionMode = 'required' | 'optional' | 'login'

export interface SessionLayerDeps {
  sessions: SessionStore
  policy: SessionPolicy
  cookie: SessionCookie
  trustProxy: boolean
  onStoreError: (err: unknown) => void
}

/**
 * The hono-sessions middleware, mounted only on the routes that need a session, wrapped so that its defaults
 * cannot hurt (see HonoSessionsStore for the store-side workarounds):
 * - `autoExtendExpiration: false`: no write per request; sliding expiry is the adapter's throttled touch.
 * - Set-Cookie: hono-sessions sets the cookie on every response and twice on rotation (old ID first). The layer
 *   strips all of them and sets exactly one cookie only when something changed: the new ID after login or a
 *   password change, or a clearing cookie (Max-Age=0) after logout. A plain authenticated request gets none.
 * - store failure: whatever hono-sessions swallowed or threw, the request ends in 503 `service_unavailable`,
 *   never in an anonymous session.
 * - `Server-Timing: auth;dur=…` measures the layer's work up to the handler (cookie parse, one store read).
 */
export function sessionLayer(deps: SessionLayerDeps, mode: SessionMode): MiddlewareHandler<AppEnv> {
  return async function session(c, next) {
    const done = authTimer()
    c.set('auth', null)
    const raw = readSessionCookie(c, deps.cookie)
    if (mode === 'required' && (raw === undefined || !isWellFormedSessionId(raw))) {
      done(c)
      throw new ApiError('unauthenticated', 'a valid session is required')
    }

    const store = new HonoSessionsStore(deps.sessions, deps.policy, () => ({
      userAgent: c.req.header('user-agent')?.slice(0, 256) ?? null,
      ip: clientIp(c, deps.trustProxy),
    }))
    const middleware = sessionMiddleware({
      store,
      sessionCookieName: deps.cookie.baseName,
      cookieOptions: deps.cookie.options,
      autoExtendExpiration: false,
    })
    let refused = false
    let thrown: unknown
    try {
      await middleware(c, async () => {
        if (store.failure !== undefined) return
        if (store.loaded) c.set('auth', store.loaded)
        else if (mode === 'required') {
          refused = true
          return
        }
        done(c)
        await next()
      })
    } catch (err) {
      // Errors of create/persist/delete after the handler (hono-sessions does not catch those).
      thrown = err
    }

    stripSessionCookies(c, deps.cookie)
    const failure = store.failure ?? thrown
    if (failure !== undefined) {
      if (isStoreError(failure)) throw failure // shared onError: report + 503 service_unavailable
      deps.onStoreError(failure)
      throw new ApiError('service_unavailable', 'the session store is unavailable; try again', {
        'Retry-After': '1',
      })
    }
    if (refused) {
      done(c)
      throw new ApiError('unauthenticated', 'a valid session is required')
    }
    if (store.issued) setSessionCookie(c, deps.cookie, store.issued)
    else if (c.get('session').getCache()._delete) clearSessionCookie(c, deps.cookie)
  }
}
