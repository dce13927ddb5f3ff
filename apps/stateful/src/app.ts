import { crossSiteGuard, installCommon } from '@auth-lab/shared'
import { Hono } from 'hono'
import type { RouteContext } from './routes/context.js'
import { mountDemo } from './routes/demo.js'
import { mountLogin } from './routes/login.js'
import { mountLogout } from './routes/logout.js'
import { mountMe } from './routes/me.js'
import { mountPassword } from './routes/password.js'
import { mountPublic } from './routes/public.js'
import { mountSessions } from './routes/sessions.js'
import { sessionCookie } from './session/cookie.js'
import { sessionPolicy } from './session/policy.js'
import type { SessionLayerDeps } from './session/session-layer.js'
import { sessionLayer } from './session/session-layer.js'
import type { AppEnv, StatefulDeps } from './types.js'

/**
 * The stateful app: shared middleware first (security headers, metrics, error shape, /health, /metrics), then
 * the routes. The session layer is mounted per route, only where a session is needed. No `listen` here.
 *
 * @example
 * const app = createApp(openStatefulDeps(readConfig(process.env)))
 * const res = await app.request('/health')
 */
export function createApp(deps: StatefulDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>()
  const report = deps.onUnexpected ?? ((err: unknown) => console.error('[auth-lab stateful] error:', err))
  installCommon(app, {
    app: 'stateful',
    instanceId: deps.config.instanceId,
    metrics: deps.metrics,
    logRequests: deps.config.logRequests,
    metricsToken: deps.config.metricsToken,
    onUnexpected: report,
  })

  const layerDeps: SessionLayerDeps = {
    sessions: deps.sessions,
    policy: sessionPolicy({ clock: deps.clock, ...deps.config.session }),
    cookie: sessionCookie(deps.config.cookieSecure),
    trustProxy: deps.config.trustProxy,
    onStoreError: report,
  }
  const ctx: RouteContext = {
    deps,
    session: (mode) => sessionLayer(layerDeps, mode),
    crossSite: crossSiteGuard(deps.config.allowedOrigins),
  }
  mountDemo(app)
  mountPublic(app, ctx)
  mountLogin(app, ctx)
  mountLogout(app, ctx)
  mountMe(app, ctx)
  mountSessions(app, ctx)
  mountPassword(app, ctx)
  return app
}
