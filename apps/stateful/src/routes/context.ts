import type { MiddlewareHandler } from 'hono'
import type { SessionMode } from '../session/session-layer.js'
import type { AppEnv, Auth, StatefulDeps } from '../types.js'

/** What every route module gets from `createApp`: the deps and the two guards it may mount. */
export interface RouteContext {
  deps: StatefulDeps
  /** The session layer for a mode (see session-layer.ts). */
  session: (mode: SessionMode) => MiddlewareHandler<AppEnv>
  /** 403 `csrf` for cross-site state changes; first on every unsafe route, before any session or body work. */
  crossSite: MiddlewareHandler
}

/** The auth set by a `required` session layer (it throws 401 before the handler otherwise). */
export function requireAuth(auth: Auth | null): Auth {
  if (!auth) throw new Error('session layer in required mode did not set auth')
  return auth
}

export function iso(ms: number): string {
  return new Date(ms).toISOString()
}
