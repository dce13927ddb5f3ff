import type { CommonConfig, Env } from '@auth-lab/shared'
import {
  ConfigError,
  defaultDbPath,
  envEnum,
  envInt,
  envOptional,
  estimateSecretBits,
  MIN_SECRET_BITS,
  readCommonConfig,
} from '@auth-lab/shared'

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
  /**
   * SESSION_MAX_PER_USER: live sessions one user may hold; a login beyond it ends that user's oldest session (F9: an
   * attacker with the password cannot fill the table, and a user's forgotten devices do not pile up).
   */
  maxPerUser: 50,
  /** SESSION_COOKIE_CACHE, seconds: the signed session snapshot cookie (session/cookie-cache.ts); 0 = off. */
  cookieCacheSeconds: 0,
} as const

/** Longest snapshot lifetime accepted: it is a revocation window (docs/security.md), so minutes, not hours. */
export const MAX_COOKIE_CACHE_SECONDS = 3600

export type SessionStoreKind = 'sqlite' | 'memory' | 'redis'

export interface StatefulConfig extends CommonConfig {
  /**
   * Lab knob, 0 (off) by default: SESSION_EXTRA_DATA_BYTES pads every new session's server-side data with a `pad`
   * string of this many bytes (the benchmark's size sweep, C9; docs/api.md "Lab knobs").
   */
  lab: { extraSessionDataBytes: number }
  session: {
    store: SessionStoreKind
    idleTtlSeconds: number
    absoluteTtlSeconds: number
    touchIntervalSeconds: number
    purgeIntervalSeconds: number
    maxPerUser: number
  }
  /**
   * The session cookie cache (opt-in): `ttlSeconds` 0 = off. `secret` (SESSION_CACHE_SECRET) is the HMAC key's
   * UTF-8 bytes; unset = a generated key in a 0600 file beside the DB (session/cookie-cache-key.ts).
   */
  cookieCache: { ttlSeconds: number; secret: string | undefined }
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
    maxPerUser: envInt(env, 'SESSION_MAX_PER_USER', DEFAULTS.maxPerUser, { min: 1, max: 10_000 }),
  }
  if (session.absoluteTtlSeconds < session.idleTtlSeconds) {
    throw new ConfigError(
      `SESSION_ABSOLUTE_TTL (${session.absoluteTtlSeconds}) must be >= SESSION_IDLE_TTL (${session.idleTtlSeconds})`,
    )
  }
  if (session.store === 'redis' && common.redis.url === undefined) {
    throw new ConfigError('SESSION_STORE=redis needs REDIS_URL')
  }
  return {
    ...common,
    session,
    cookieCache: readCookieCache(env, session.idleTtlSeconds),
    lab: { extraSessionDataBytes: envInt(env, 'SESSION_EXTRA_DATA_BYTES', 0, { min: 0, max: 65_536 }) },
  }
}

function readCookieCache(env: Env, idleTtlSeconds: number): StatefulConfig['cookieCache'] {
  const ttlSeconds = envInt(env, 'SESSION_COOKIE_CACHE', DEFAULTS.cookieCacheSeconds, {
    min: 0,
    max: MAX_COOKIE_CACHE_SECONDS,
  })
  // While a snapshot answers, the row is not touched; a store read at least every idle/2 keeps an active user's
  // sliding expiry alive (the touch interval is capped at idle/2 too).
  if (ttlSeconds > idleTtlSeconds / 2) {
    throw new ConfigError(
      `SESSION_COOKIE_CACHE (${ttlSeconds}) must be <= SESSION_IDLE_TTL / 2 (${Math.floor(idleTtlSeconds / 2)})`,
    )
  }
  const secret = envOptional(env, 'SESSION_CACHE_SECRET')
  if (secret !== undefined) {
    const bytes = Buffer.byteLength(secret, 'utf8')
    const { bits } = estimateSecretBits(secret)
    if (bytes < 32 || bits < MIN_SECRET_BITS) {
      throw new ConfigError(
        `SESSION_CACHE_SECRET must be at least 32 random bytes (${bytes} bytes, about ${bits} bits of entropy); ` +
          'generate one with: openssl rand -base64 32 — or unset it to use the generated key file',
      )
    }
  }
  return { ttlSeconds, secret }
}
