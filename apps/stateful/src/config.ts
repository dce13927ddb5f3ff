import type { CommonConfig, Env } from '@auth-lab/shared'
import { ConfigError, defaultDbPath, envEnum, envInt, readCommonConfig } from '@auth-lab/shared'

/** Every default of the stateful app in one place (docs/api.md lists them with the shared ones). */
export const DEFAULTS = {
  port: 3001,
  sessionStore: 'sqlite',
  /** SESSION_IDLE_TTL, seconds: 30 minutes without a request ends a session. */
  idleTtlSeconds: 1800,
  /** SESSION_ABSOLUTE_TTL, seconds: 12 hours after login a session ends whatever its activity. */
  absoluteTtlSeconds: 43_200,
  /** SESSION_TOUCH_INTERVAL, seconds: sliding expiry is written at most this often (capped at idle / 2). */
  touchIntervalSeconds: 60,
  /** SESSION_PURGE_INTERVAL, seconds: how often expired rows are deleted. */
  purgeIntervalSeconds: 300,
} as const

export type SessionStoreKind = 'sqlite' | 'memory' | 'redis'

export interface StatefulConfig extends CommonConfig {
  session: {
    store: SessionStoreKind
    idleTtlSeconds: number
    absoluteTtlSeconds: number
    touchIntervalSeconds: number
    purgeIntervalSeconds: number
  }
}

/**
 * Reads and validates the whole configuration; throws ConfigError naming the variable on the first bad value.
 * `server.ts` is the only caller that passes `process.env`; tests pass plain objects.
 */
export function readConfig(env: Env): StatefulConfig {
  const common = readCommonConfig(env, { port: DEFAULTS.port, dbPath: defaultDbPath(), app: 'stateful' })
  const session = {
    store: envEnum<SessionStoreKind>(
      env,
      'SESSION_STORE',
      ['sqlite', 'memory', 'redis'],
      DEFAULTS.sessionStore,
    ),
    idleTtlSeconds: envInt(env, 'SESSION_IDLE_TTL', DEFAULTS.idleTtlSeconds, { min: 2, max: 31_536_000 }),
    absoluteTtlSeconds: envInt(env, 'SESSION_ABSOLUTE_TTL', DEFAULTS.absoluteTtlSeconds, {
      min: 2,
      max: 31_536_000,
    }),
    touchIntervalSeconds: envInt(env, 'SESSION_TOUCH_INTERVAL', DEFAULTS.touchIntervalSeconds, {
      min: 1,
      max: 86_400,
    }),
    purgeIntervalSeconds: envInt(env, 'SESSION_PURGE_INTERVAL', DEFAULTS.purgeIntervalSeconds, {
      min: 1,
      max: 86_400,
    }),
  }
  if (session.absoluteTtlSeconds < session.idleTtlSeconds) {
    throw new ConfigError(
      `SESSION_ABSOLUTE_TTL (${session.absoluteTtlSeconds}) must be >= SESSION_IDLE_TTL (${session.idleTtlSeconds})`,
    )
  }
  if (session.store === 'redis' && common.redis.url === undefined) {
    throw new ConfigError('SESSION_STORE=redis needs REDIS_URL')
  }
  return { ...common, session }
}
