import { Hono } from 'hono'
import type { AppEnv, Deps } from '../env.js'

/**
 * GET /.well-known/jwks.json: the public keys a resource server needs to verify our tokens itself: the current key
 * and previous keys that still verify (a rotation publishes the new key without dropping the old one). HS256 and
 * JWE keys are secret, so the set is empty there. Short cache so a rotation shows up within a minute.
 */
export function jwksRoutes(deps: Deps): Hono<AppEnv> {
  return new Hono<AppEnv>().get('/.well-known/jwks.json', (c) => {
    c.header('Cache-Control', 'public, max-age=60')
    return c.json(deps.keys.jwks())
  })
}
