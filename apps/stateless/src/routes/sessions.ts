import { ApiError, isoTime, noFormBody } from '@auth-lab/shared'
import { Hono } from 'hono'
import { clearRefreshCookie } from '../auth/refresh-cookie.js'
import type { AppEnv, Deps } from '../env.js'
import { requireAccessToken } from '../middleware/require-access-token.js'

/**
 * GET /auth/sessions: one entry per live refresh family (a device), with the same fields as the stateful app; the
 * id is the family's public handle, never a token. DELETE /auth/sessions/:id revokes one of the caller's devices;
 * another user's id, or a dead one, is 404 like an unknown id.
 */
export function sessionsRoutes(deps: Deps): Hono<AppEnv> {
  const auth = requireAccessToken(deps.tokens)
  return new Hono<AppEnv>()
    .get('/auth/sessions', auth, async (c) => {
      const { user, token } = c.get('auth')
      const sessions = (await deps.tokens.listDevices(user.id)).map((f) => ({
        id: f.id,
        created_at: isoTime(f.createdAt),
        last_seen_at: isoTime(f.lastUsedAt),
        expires_at: isoTime(f.expiresAt),
        user_agent: f.userAgent,
        current: f.id === token.sid,
      }))
      return c.json({ sessions })
    })
    .delete('/auth/sessions/:id', noFormBody, auth, async (c) => {
      const { user, token } = c.get('auth')
      const id = c.req.param('id')
      if (!(await deps.tokens.revokeDevice(user.id, id))) throw new ApiError('not_found', 'no such session')
      if (id === token.sid) clearRefreshCookie(c, deps.config.cookieSecure)
      return c.body(null, 204)
    })
}
