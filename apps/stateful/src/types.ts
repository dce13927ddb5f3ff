import type { Clock, LoginThrottle, Metrics, PasswordHasher, UserStore } from '@auth-lab/shared'
import type { Session } from 'hono-sessions'
import type { StatefulConfig } from './config.js'
import type { LoadedSession, SessionFields } from './session/hono-sessions-store.js'
import type { SessionStore } from './session/session-store.js'

/** The authenticated request: the user and the session row, as loaded by the session layer. */
export type Auth = LoadedSession

/** Hono environment of the stateful app. `session` and `session_key_rotation` are hono-sessions' own variables. */
export interface AppEnv {
  Variables: {
    session: Session<SessionFields>
    session_key_rotation: boolean
    auth: Auth | null
  }
}

/** Everything `createApp` needs; built by `openStatefulDeps` in the server, by hand in tests. */
export interface StatefulDeps {
  config: Pick<
    StatefulConfig,
    | 'instanceId'
    | 'cookieSecure'
    | 'allowedOrigins'
    | 'trustProxy'
    | 'logRequests'
    | 'metricsToken'
    | 'session'
  >
  users: UserStore
  hasher: PasswordHasher
  throttle: LoginThrottle
  metrics: Metrics
  clock: Clock
  sessions: SessionStore
  /** Where unexpected errors (and store failures) are reported; default console.error. */
  onUnexpected?: (err: unknown) => void
}
