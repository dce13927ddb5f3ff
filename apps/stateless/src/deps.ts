import type { Clock, SharedDeps } from '@auth-lab/shared'
import { migrate, openSharedDeps } from '@auth-lab/shared'
import { TokenService } from './auth/token-service.js'
import type { StatelessConfig } from './config.js'
import { AccessTokens } from './tokens/access-token.js'
import { Denylist } from './tokens/denylist.js'
import type { KeyRing } from './tokens/keys.js'
import { openKeyRing } from './tokens/keys.js'
import { RefreshTokens } from './tokens/refresh-token.js'
import { statelessMigrations } from './tokens/schema.js'

/** Everything `createApp` needs: the shared user store plus this app's keys, token stores and token service. */
export interface StatelessDeps extends SharedDeps {
  config: StatelessConfig
  keys: KeyRing
  tokens: TokenService
}

export interface OpenOptions {
  clock?: Clock
  /** Process-level metrics (CPU, heap, GC): on in the server, off in tests. */
  defaultMetrics?: boolean
}

/** Opens the DB (running both migrations), imports the keys once, and wires the stores. Async: key import is. */
export async function openStatelessDeps(
  config: StatelessConfig,
  opts: OpenOptions = {},
): Promise<StatelessDeps> {
  const shared = openSharedDeps({
    app: 'stateless',
    dbPath: config.dbPath,
    argon2: config.argon2,
    throttle: config.throttle,
    clock: opts.clock,
    defaultMetrics: opts.defaultMetrics,
  })
  try {
    migrate(shared.db, 'stateless', statelessMigrations)
    const keys = await openKeyRing(config.jwt, shared.clock)
    const access = new AccessTokens(keys, config.jwt, shared.clock)
    const refresh = new RefreshTokens(shared.db, shared.metrics.store, shared.clock, config.refresh)
    const denylist = new Denylist(shared.db, shared.metrics.store, shared.clock)
    const tokens = new TokenService(
      shared.db,
      shared.users,
      access,
      refresh,
      denylist,
      config.revocation,
      shared.clock,
      {
        accessTtl: config.jwt.accessTtl,
        clockTolerance: config.jwt.clockTolerance,
      },
    )
    return { ...shared, config, keys, tokens }
  } catch (err) {
    shared.db.close()
    throw err
  }
}
