import type { Clock, Metrics, PasswordHasher, PublicUser, Throttle, UserStore } from '@auth-lab/shared'
import type { TokenService } from './auth/token-service.js'
import type { StatelessConfig } from './config.js'
import type { VerifiedAccess } from './tokens/access-token.js'
import type { KeyRing } from './tokens/keys.js'

/**
 * The types routes import, and the only ones: what a protected route gets (`Auth`), the Hono environment that
 * carries it (`AppEnv`), and what `createApp` is built from (`Deps`). The same three names as the stateful app.
 */

/** What `requireAccessToken` sets for a protected route: the user to serve and the verified token's facts. */
export interface Auth {
  user: PublicUser
  token: VerifiedAccess
}

export type AppEnv = { Variables: { auth: Auth } }

/** Everything `createApp` needs; built by `openDeps` (deps.ts) in the server and in `testApp()`. */
export interface Deps {
  config: StatelessConfig
  users: UserStore
  hasher: PasswordHasher
  throttle: Throttle
  metrics: Metrics
  clock: Clock
  /** Where unexpected errors (and store failures) are reported. */
  onUnexpected: (err: unknown) => void
  /** The signing/verification keys (JWKS, key reload). */
  keys: KeyRing
  /** Issue, refresh, check and revoke tokens; the revocation strategy is inside. */
  tokens: TokenService
}
