/**
 * The types every route module imports (and the only ones): the Hono environment, what a protected route gets
 * (`Auth`), and the app's dependencies (`Deps`). Same shape in both apps; only the mechanism fields differ.
 */
import type { Clock, Metrics, PasswordHasher, Throttle, UserStore } from '@auth-lab/shared'
import type { StatefulConfig } from './config.js'
import type { CookieCache } from './session/cookie-cache.js'
import type { SessionVariables } from './session/hono-sessions-shim.js'
import type { Sessions, ValidSession } from './session/sessions.js'

/** What a protected route gets: the user and the session row (with its `idHash`), as the session core validated. */
export type Auth = ValidSession

/**
 * `auth` is set by the session layer before the handler in `required` mode (it answers 401 otherwise);
 * `session` and `session_key_rotation` are hono-sessions' own variables.
 */
export type AppEnv = { Variables: { auth: Auth } & Omit<SessionVariables, 'auth'> }

/** Everything `createApp` needs; built by `openDeps` (deps.ts) in the server and in `testApp()`. */
export interface Deps {
  config: StatefulConfig
  users: UserStore
  hasher: PasswordHasher
  throttle: Throttle
  metrics: Metrics
  clock: Clock
  /** Where unexpected errors (and non-SQLite store failures) are reported. */
  onUnexpected: (err: unknown) => void
  /** The session core: validate / create / invalidate. */
  sessions: Sessions
  /** SESSION_COOKIE_CACHE > 0: the signed session snapshot cookie (session/cookie-cache.ts); absent = off. */
  cookieCache?: CookieCache
}
