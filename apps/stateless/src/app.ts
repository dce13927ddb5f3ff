import { crossSiteGuard, installCommon, noStore } from '@auth-lab/shared'
import { Hono } from 'hono'
import type { StatelessDeps } from './deps.js'
import type { StatelessEnv } from './middleware/require-access-token.js'
import { registerDemo } from './routes/demo.js'
import { registerJwks } from './routes/jwks.js'
import { registerLogin } from './routes/login.js'
import { registerLogout } from './routes/logout.js'
import { registerMe } from './routes/me.js'
import { registerPassword } from './routes/password.js'
import { registerRefresh } from './routes/refresh.js'
import { registerSessions } from './routes/sessions.js'

export interface AppOptions {
  /** Where unexpected errors go (default console.error); tests capture them. */
  onUnexpected?: (err: unknown) => void
}

/**
 * The stateless app: a Hono app with no `listen` (server.ts serves it; tests call `app.request()`).
 * Layers, outermost first: the shared middleware (security headers with strict CSP, request metrics, error
 * mapping, 404/405, /health, /metrics) → the cross-site guard on every unsafe method (before any body is read or
 * token consumed) → `no-store` on everything that carries or reveals credentials → the routes.
 */
export function createApp(deps: StatelessDeps, opts: AppOptions = {}): Hono<StatelessEnv> {
  const app = new Hono<StatelessEnv>()
  installCommon(app, {
    app: 'stateless',
    instanceId: deps.config.instanceId,
    metrics: deps.metrics,
    logRequests: deps.config.logRequests,
    metricsToken: deps.config.metricsToken,
    onUnexpected: opts.onUnexpected,
  })
  app.use('*', crossSiteGuard(deps.config.allowedOrigins))
  app.use('/auth/*', noStore)
  app.use('/me', noStore)
  app.use('/public', noStore)

  registerLogin(app, deps)
  registerRefresh(app, deps)
  registerLogout(app, deps)
  registerSessions(app, deps)
  registerPassword(app, deps)
  registerMe(app, deps)
  registerJwks(app, deps)
  registerDemo(app)
  return app
}
