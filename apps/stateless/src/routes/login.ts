import { verifyLogin } from '@auth-lab/shared'
import { Hono } from 'hono'
import { deviceMeta, sendPair } from '../auth/respond.js'
import type { AppEnv, Deps } from '../env.js'

/** POST /auth/login: the shared credential check (throttle, dummy hash, one 401 for all failures), then a pair. */
export function loginRoutes(deps: Deps): Hono<AppEnv> {
  return new Hono<AppEnv>().post('/auth/login', async (c) => {
    const user = await verifyLogin(c, { ...deps, trustProxy: deps.config.trustProxy })
    const pair = await deps.tokens.login(user, deviceMeta(c, deps.config.trustProxy))
    return sendPair(c, { cookieSecure: deps.config.cookieSecure, now: deps.clock() }, pair)
  })
}
