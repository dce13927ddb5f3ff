import { verifyLogin } from '@auth-lab/shared'
import type { Hono } from 'hono'
import { deviceMeta, sendPair } from '../auth/respond.js'
import type { StatelessDeps } from '../deps.js'
import type { StatelessEnv } from '../middleware/require-access-token.js'

/** POST /auth/login: the shared credential check (throttle, dummy hash, one 401 for all failures), then a pair. */
export function registerLogin(app: Hono<StatelessEnv>, deps: StatelessDeps): void {
  app.post('/auth/login', async (c) => {
    const user = await verifyLogin(c, { ...deps, trustProxy: deps.config.trustProxy })
    const pair = await deps.tokens.login(user, deviceMeta(c, deps.config.trustProxy))
    return sendPair(c, { cookieSecure: deps.config.cookieSecure, now: deps.clock() }, pair)
  })
}
