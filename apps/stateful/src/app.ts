import { crossSiteGuard, installCommon, noStore } from '@auth-lab/shared'
import { Hono } from 'hono'
import type { AppEnv, Deps } from './env.js'
import { demoRoutes } from './routes/demo.js'
import { loginRoutes } from './routes/login.js'
import { logoutRoutes } from './routes/logout.js'
import { meRoutes } from './routes/me.js'
import { passwordRoutes } from './routes/password.js'
import { publicRoutes } from './routes/public.js'
import { sessionsRoutes } from './routes/sessions.js'

/**
 * The stateful app: a Hono app with no `listen` (server.ts serves it; tests call `app.request()`).
 * Layers, outermost first: the shared middleware (security headers with strict CSP, request metrics, error
 * mapping, 404/405, /health, /metrics) → the cross-site guard on every unsafe method (before any body is read or
 * session loaded) → `no-store` on everything that carries or reveals credentials → the routes, each mounting the
 * session layer only where a session is needed.
 *
 * @example
 * const app = createApp(await openDeps(readConfig(process.env)))
 * const res = await app.request('/health')
 */
export function createApp(deps: Deps): Hono<AppEnv> {
  const app = new Hono<AppEnv>()
  installCommon(app, {
    app: 'stateful',
    instanceId: deps.config.instanceId,
    metrics: deps.metrics,
    logRequests: deps.config.logRequests,
    metricsToken: deps.config.metricsToken,
    onUnexpected: deps.onUnexpected,
  })
  app.use('*', crossSiteGuard(deps.config.allowedOrigins))
  app.use('/auth/*', noStore)
  app.use('/me', noStore)
  app.use('/public', noStore)

  app.route('/', demoRoutes(deps))
  app.route('/', publicRoutes(deps))
  app.route('/', loginRoutes(deps))
  app.route('/', logoutRoutes(deps))
  app.route('/', meRoutes(deps))
  app.route('/', sessionsRoutes(deps))
  app.route('/', passwordRoutes(deps))
  return app
}
