import { ApiError, noFormBody } from '@auth-lab/shared'
import type { Hono } from 'hono'
import { clearRefreshCookie } from '../auth/refresh-cookie.js'
import type { StatelessDeps } from '../deps.js'
import type { StatelessEnv } from '../middleware/require-access-token.js'
import { requireAccessToken } from '../middleware/require-access-token.js'

/**
 * GET /auth/sessions: one entry per live refresh family (a device), with the same fields as the stateful app; the
 * id is the family's public handle, never a token. DELETE /auth/sessions/:id revokes one of the caller's devices;
 * another user's id, or a dead one, is 404 like an unknown id.
 */
export function registerSessions(app: Hono<StatelessEnv>, deps: StatelessDeps): void {
  const auth = requireAccessToken(deps.tokens)
  app.get('/auth/sessions', auth, (c) => {
    const { user, token } = c.get('auth')
    const sessions = deps.tokens.refreshTokens.listForUser(user.id).map((f) => ({
      id: f.id,
      created_at: toTime(f.createdAt),
      last_seen_at: toTime(f.lastUsedAt),
      expires_at: toTime(f.expiresAt),
      user_agent: f.userAgent,
      current: f.id === token.sid,
    }))
    return c.json({ sessions })
  })

  app.delete('/auth/sessions/:id', noFormBody, auth, (c) => {
    const { user, token } = c.get('auth')
    const id = c.req.param('id')
    if (!deps.tokens.revokeDevice(user.id, id)) throw new ApiError('not_found', 'no such session')
    if (id === token.sid) clearRefreshCookie(c, deps.config.cookieSecure)
    return c.body(null, 204)
  })
}

/** Timestamps in API bodies: ISO 8601 UTC, like the stateful app. */
export function toTime(ms: number): string {
  return new Date(ms).toISOString()
}
