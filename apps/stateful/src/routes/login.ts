import { publicUser, verifyLogin } from '@auth-lab/shared'
import { Hono } from 'hono'
import type { AppEnv, Deps } from '../env.js'
import { sessionLayer } from '../session/hono-sessions-shim.js'

/**
 * POST /auth/login — JSON {username, password}. The shared check does body parsing (415/413/400), throttling
 * (429), the dummy hash for unknown users and the single 401 `invalid_credentials`. On success the session gets
 * the user id and `session_key_rotation`, so hono-sessions replaces whatever session came in with a brand-new
 * one (fixation: an ID planted before login is never the one that becomes authenticated).
 */
export function loginRoutes(deps: Deps): Hono<AppEnv> {
  return new Hono<AppEnv>().post('/auth/login', sessionLayer(deps, 'login'), async (c) => {
    const user = await verifyLogin(c, { ...deps, trustProxy: deps.config.trustProxy })
    c.get('session').set('uid', user.id)
    c.get('session').set('ep', user.credentialEpoch)
    const pad = deps.config.lab.extraSessionDataBytes
    if (pad > 0) c.get('session').set('pad', 'x'.repeat(pad)) // lab knob: only the server-side row grows
    c.set('session_key_rotation', true)
    return c.json({ user: publicUser(user) })
  })
}
