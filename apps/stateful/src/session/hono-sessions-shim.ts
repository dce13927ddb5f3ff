/**
 * hono-sessions (the product's session library) as a thin shim over the session core (sessions.ts). The core decides;
 * this file only keeps hono-sessions' defaults from hurting:
 * - store failure → 503, never an anonymous session: the layer calls `validate` itself BEFORE hono-sessions runs,
 *   because hono-sessions wraps `getSessionById` in `try {} catch { new anonymous session }`.
 * - no write per request: `autoExtendExpiration: false`; sliding expiry is the core's throttled touch.
 * - no anonymous rows: hono-sessions calls `createSession` for every request without a session; one without a user
 *   is never stored. Only login (and the password change's rotation) creates rows.
 * - 256-bit IDs: the row is created by the core under its own ID, not hono-sessions' `randomUUID()` (122 bits).
 * - exactly one Set-Cookie, only when something changed: hono-sessions sets its cookie on every response (twice on
 *   rotation, the old ID first); the layer strips them all and sets the new ID, or a clearing cookie after a delete.
 * - UPDATE-only persistence (`setData`), so a request in flight cannot resurrect a concurrent logout.
 * - `Server-Timing: auth;dur=…` covers the layer's work up to the handler (cookie parse, one store read).
 * Modes: `required` (no valid session → 401 `unauthenticated`, hono-sessions not even run), `optional` (logout),
 * `login` (like optional; the handler sets `session_key_rotation`, so the session always gets a new ID).
 */
import { ApiError, authTimer, clientIp, isStoreError } from '@auth-lab/shared'
import type { MiddlewareHandler } from 'hono'
import type { Session, SessionData, Store } from 'hono-sessions'
import { sessionMiddleware } from 'hono-sessions'
import * as cookies from './cookie.js'
import type { ClientInfo, Sessions, ValidSession } from './sessions.js'

export type SessionMode = 'required' | 'optional' | 'login'
/**
 * What a handler hands hono-sessions' `_data` when it starts a session: the user id and the credential epoch it
 * authenticated under (the row's `credential_epoch`). Everything else is a column of the row.
 */
export type SessionFields = { uid: number; ep: number; pad?: string }
export type SessionVariables = {
  auth: ValidSession
  session: Session<SessionFields>
  session_key_rotation: boolean
}
export interface SessionLayerDeps {
  sessions: Sessions
  config: { cookieSecure: boolean; trustProxy: boolean }
  onUnexpected: (err: unknown) => void
}

export function sessionLayer(
  deps: SessionLayerDeps,
  mode: SessionMode,
): MiddlewareHandler<{ Variables: SessionVariables }> {
  const cookie = cookies.sessionCookie(deps.config.cookieSecure)
  return async function session(c, next) {
    const done = authTimer()
    const id = cookies.readSessionCookie(c, cookie)
    let valid: ValidSession | null
    try {
      valid = id === undefined ? null : await deps.sessions.validate(id)
    } catch (err) {
      throw unavailable(deps, err)
    }
    if (!valid && mode === 'required') {
      done(c)
      throw new ApiError('unauthenticated', 'a valid session is required')
    }
    if (valid) c.set('auth', valid)
    const client = () => ({
      userAgent: c.req.header('user-agent')?.slice(0, 256) ?? null,
      ip: clientIp(c, deps.config.trustProxy),
    })
    const store = new RequestStore(deps.sessions, id, valid, client)
    const hs = sessionMiddleware({
      store,
      sessionCookieName: cookie.baseName,
      cookieOptions: cookie.options,
      autoExtendExpiration: false,
    })
    try {
      await hs(c, async () => {
        done(c)
        await next()
      })
    } catch (err) {
      // Store errors after the handler (create/persist/delete) propagate out of hono-sessions; handler errors don't.
      cookies.stripSessionCookies(c, cookie)
      throw unavailable(deps, err)
    }
    cookies.stripSessionCookies(c, cookie)
    if (store.issued) cookies.setSessionCookie(c, cookie, store.issued)
    else if (c.get('session').getCache()._delete) cookies.clearSessionCookie(c, cookie)
  }
}

/**
 * hono-sessions' `Store` for ONE request, bound to the session the layer already validated. Per request because
 * hono-sessions gives `createSession` no way to return the ID it should carry: `issued` is that one result, set at
 * most once and read once by the layer after hono-sessions has finished. Calls naming any other ID (hono-sessions'
 * placeholder UUIDs) are ignored.
 */
export class RequestStore implements Store {
  issued: string | null = null

  constructor(
    private readonly sessions: Sessions,
    private readonly cookieId: string | undefined,
    private readonly valid: ValidSession | null,
    private readonly client: () => ClientInfo,
  ) {}

  async getSessionById(id?: string): Promise<SessionData | null> {
    if (!this.valid || id !== this.cookieId) return null
    return {
      _data: this.valid.session.data as SessionData['_data'],
      _expire: null,
      _delete: false,
      _accessed: null,
    }
  }

  async createSession(_placeholder: string, initial: SessionData): Promise<void> {
    const uid: unknown = initial._data.uid?.value
    const ep: unknown = initial._data.ep?.value
    if (typeof uid === 'number' && typeof ep === 'number') {
      this.issued = (
        await this.sessions.create({ id: uid, credentialEpoch: ep }, this.client(), initial._data)
      ).id
    }
  }

  async persistSessionData(id: string, data: SessionData): Promise<void> {
    if (this.valid && id === this.cookieId) await this.sessions.setData(this.valid.session.idHash, data._data)
  }

  async deleteSession(id: string): Promise<void> {
    if (this.valid && id === this.cookieId) await this.sessions.invalidate(this.valid.session.idHash)
  }
}

/**
 * A store failure is a 503, never a logout: SQLITE_* errors and StoreUnavailableError (Redis: 503
 * `store_unavailable`) go to the shared onError; anything else is reported and answered 503 too.
 */
function unavailable(deps: SessionLayerDeps, err: unknown): unknown {
  if (isStoreError(err)) return err
  deps.onUnexpected(err)
  return new ApiError('service_unavailable', 'the session store is unavailable; try again', {
    'Retry-After': '1',
  })
}
