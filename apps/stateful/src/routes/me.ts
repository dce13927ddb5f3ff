import type { PublicUser } from '@auth-lab/shared'
import { isoTime, publicUser } from '@auth-lab/shared'
import type { Context } from 'hono'
import { Hono } from 'hono'
import type { AppEnv, Deps } from '../env.js'
import { answerFromSnapshot, refreshSnapshot } from '../session/cookie-cache.js'
import { sessionLayer } from '../session/hono-sessions-shim.js'
import { sessionExpiresAt } from '../session/sessions.js'

/**
 * GET /me — the benchmark's authenticated read. Cost with the SQLite store: one statement (session JOIN user),
 * zero writes unless the touch interval has passed. `expires_at` is when the session ends if no further request
 * comes: the earlier of the idle and the absolute expiry.
 * With SESSION_COOKIE_CACHE (session/cookie-cache.ts), a valid snapshot cookie answers with ZERO store reads
 * (`expires_at` then as of the snapshot); without one, the store answers and a fresh snapshot is set.
 */
export function meRoutes(deps: Deps): Hono<AppEnv> {
  const view = (c: Context, user: PublicUser, expiresAt: number) =>
    c.json({ user, auth: { mechanism: 'session', expires_at: isoTime(expiresAt) } })
  const fromStore = (c: Context<AppEnv>) => {
    const { user, session } = c.get('auth')
    return view(c, publicUser(user), sessionExpiresAt(session))
  }
  const routes = new Hono<AppEnv>()
  // [caches wiring] the snapshot middlewares are mounted only when the cookie cache is on: without it they would do
  // nothing but cost two more async hops on every GET /me (issue 11 item 9).
  if (!deps.cookieCache) return routes.get('/me', sessionLayer(deps, 'required'), fromStore)
  return routes.get(
    '/me',
    answerFromSnapshot(deps, (c, snap) => view(c, snap.user, snap.sessionExpiresAt)),
    sessionLayer(deps, 'required'),
    refreshSnapshot(deps),
    fromStore,
  )
}
