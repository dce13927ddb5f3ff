import { dirname, join } from 'node:path'
import type { CommonConfig, Env } from '@auth-lab/shared'
import {
  ConfigError,
  defaultDbPath,
  envEnum,
  envInt,
  envOptional,
  envString,
  estimateSecretBits,
  MIN_SECRET_BITS,
  readCommonConfig,
} from '@auth-lab/shared'

/**
 * Configuration of the stateless app: one defaults object, every knob an env var, validated at start so a bad
 * value stops the server with a message naming the variable (docs/api-stateless.md lists them all).
 */
export const JWT_ALGS = ['HS256', 'RS256', 'ES256', 'EdDSA'] as const
export type JwtAlg = (typeof JWT_ALGS)[number]
export const REVOCATION_MODES = ['none', 'denylist', 'version'] as const
export type RevocationMode = (typeof REVOCATION_MODES)[number]
export type AccessTokenFormat = 'jws' | 'jwe'

/** RFC 7518 §3.2: an HS256 key must be at least as long as the hash output. */
export const MIN_SECRET_BYTES = 32
/** How to make a good one, in every refusal. */
const GENERATE_SECRET =
  'Generate one with: openssl rand -base64 32 — or unset JWT_SECRET to use the generated key file ' +
  '(the default; see `pnpm --filter @auth-lab/stateless keys list|rotate`).'

/**
 * Length is necessary, not sufficient (issue 10, F6): `aaaa…` is 32 bytes and falls to a dictionary run in seconds.
 * The secret must also look machine-random: ≥ MIN_SECRET_BITS by the estimate in @auth-lab/shared config/secret-strength.ts.
 */
export function checkSecretStrength(secret: string): void {
  const bytes = Buffer.byteLength(secret, 'utf8')
  if (bytes < MIN_SECRET_BYTES) {
    throw new ConfigError(
      `JWT_SECRET is ${bytes} bytes; HS256 needs at least ${MIN_SECRET_BYTES} random bytes (RFC 7518 §3.2). ${GENERATE_SECRET}`,
    )
  }
  const { bits, patterns } = estimateSecretBits(secret)
  if (bits < MIN_SECRET_BITS) {
    const why = patterns.length > 0 ? ` (it contains ${patterns.join(', ')})` : ''
    throw new ConfigError(
      `JWT_SECRET has about ${bits} bits of entropy${why}; HS256 needs a random key of at least ` +
        `${MIN_SECRET_BITS} bits (RFC 8725 §3.5: never a password or a phrase). ${GENERATE_SECRET}`,
    )
  }
}
/** Browsers cap cookie lifetimes at 400 days and hono's setCookie throws above it. */
export const MAX_COOKIE_SECONDS = 400 * 24 * 3600

export const DEFAULTS = {
  port: 3002,
  jwtAlg: 'HS256' as JwtAlg,
  jwtKeys: 'persist' as 'persist' | 'ephemeral',
  jwtIssuer: 'auth-lab',
  jwtAudience: 'auth-lab-api',
  accessTtl: 900,
  clockTolerance: 5,
  refreshTtl: 1_209_600,
  refreshAbsoluteTtl: 2_592_000,
  refreshGrace: 0,
  /** REFRESH_MAX_FAMILIES_PER_USER: live devices per user; a login beyond it revokes the oldest (F9). */
  maxFamiliesPerUser: 50,
  /** REFRESH_BURST: rotations a family may make back to back (reloads, tabs) before the refill rate applies. */
  refreshBurst: 30,
  revocation: 'denylist' as RevocationMode,
  accessTokenFormat: 'jws' as AccessTokenFormat,
  purgeInterval: 60,
  keyReloadInterval: 5,
  /**
   * ACCESS_TOKEN_CACHE: entries of the verified-token cache (0 = off). 10 000 covers the users active within one
   * access-token lifetime on a busy instance at ~1 KB each (≤ ~10 MB); a smaller cache only costs verifications,
   * never correctness (docs/api-stateless.md).
   */
  accessTokenCache: 10_000,
}

export interface JwtConfig {
  alg: JwtAlg
  /** HS256 only: the shared secret (its UTF-8 bytes). When set, no key file is read or written. */
  secret: string | undefined
  keys: 'persist' | 'ephemeral'
  keysDir: string
  issuer: string
  audience: string
  /** Seconds. */
  accessTtl: number
  clockTolerance: number
  format: AccessTokenFormat
}

export interface RefreshConfig {
  /** Idle lifetime of a refresh token (seconds): a device unused this long must log in again. */
  ttl: number
  /** Absolute lifetime of a family (seconds) from its login, however often it refreshes. */
  absoluteTtl: number
  /** Seconds during which the most recently rotated token may be replayed for a fresh pair (two tabs). */
  grace: number
  /** Live refresh families (devices) per user; a login beyond it revokes the oldest. */
  maxFamiliesPerUser: number
  /**
   * The rotation budget of one family (session 10 review RB1): `rotationBurst` rotations back to back, then one per
   * `rotationRefillMs`; beyond it a refresh is 429 and changes nothing. Absent (tests building a config by hand):
   * no budget.
   */
  rotationBurst?: number
  rotationRefillMs?: number
}

/** Background timers (jobs.ts), in seconds. */
export interface JobsConfig {
  /** PURGE_INTERVAL: how often dead refresh families/tokens and expired deny-list entries are deleted. */
  purgeIntervalSeconds: number
  /** KEY_RELOAD_INTERVAL: how often the key file is checked for a rotation made by `keys rotate`. */
  keyReloadIntervalSeconds: number
}

/**
 * Lab knobs: off (0) by default and never needed in production; the benchmark turns them on to run experiments the
 * production token does not allow (docs/api-stateless.md, "Lab knobs").
 */
export interface LabConfig {
  /** JWT_EXTRA_CLAIM_BYTES: a `pad` claim of this many bytes in every access token (the token-size sweep, C9). */
  extraClaimBytes: number
  /** ACCESS_TTL_JITTER, seconds: each access token lives ACCESS_TTL minus a uniform random 0…jitter s (storms). */
  accessTtlJitter: number
}

export interface StatelessConfig extends CommonConfig {
  jwt: JwtConfig
  refresh: RefreshConfig
  revocation: RevocationMode
  /** TOKEN_STORE: where refresh families/tokens and the deny-list live (sqlite, the default, or redis + REDIS_URL). */
  tokenStore: 'sqlite' | 'redis'
  jobs: JobsConfig
  /** ACCESS_TOKEN_CACHE: max entries of the verified-token cache; 0 = off (tokens/verified-cache.ts). */
  accessTokenCache: number
  lab: LabConfig
}

export function readConfig(env: Env): StatelessConfig {
  const common = readCommonConfig(env, { port: DEFAULTS.port, dbPath: defaultDbPath(), app: 'stateless' })
  const alg = envEnum(env, 'JWT_ALG', JWT_ALGS, DEFAULTS.jwtAlg)
  const secret = envOptional(env, 'JWT_SECRET')
  const keys = envEnum(env, 'JWT_KEYS', ['persist', 'ephemeral'] as const, DEFAULTS.jwtKeys)
  const format = envEnum(env, 'ACCESS_TOKEN_FORMAT', ['jws', 'jwe'] as const, DEFAULTS.accessTokenFormat)
  if (secret !== undefined) {
    if (alg !== 'HS256')
      throw new ConfigError(`JWT_SECRET is only used with JWT_ALG=HS256 (JWT_ALG is ${alg})`)
    if (format === 'jwe') throw new ConfigError('JWT_SECRET cannot be combined with ACCESS_TOKEN_FORMAT=jwe')
    if (keys === 'ephemeral') throw new ConfigError('JWT_SECRET and JWT_KEYS=ephemeral contradict each other')
    checkSecretStrength(secret)
  }
  const accessTtl = envInt(env, 'ACCESS_TTL', DEFAULTS.accessTtl, { min: 1, max: 86_400 })
  const refreshTtl = envInt(env, 'REFRESH_TTL', DEFAULTS.refreshTtl, { min: 1, max: MAX_COOKIE_SECONDS })
  const absoluteTtl = envInt(env, 'REFRESH_ABSOLUTE_TTL', DEFAULTS.refreshAbsoluteTtl, {
    min: 1,
    max: MAX_COOKIE_SECONDS,
  })
  if (absoluteTtl < refreshTtl) {
    throw new ConfigError(`REFRESH_ABSOLUTE_TTL (${absoluteTtl}) must be >= REFRESH_TTL (${refreshTtl})`)
  }
  const tokenStore = envEnum(env, 'TOKEN_STORE', ['sqlite', 'redis'] as const, 'sqlite')
  if (tokenStore === 'redis' && common.redis.url === undefined) {
    throw new ConfigError('TOKEN_STORE=redis needs REDIS_URL')
  }
  const jitter = envInt(env, 'ACCESS_TTL_JITTER', 0, { min: 0, max: 86_400 })
  if (jitter >= accessTtl) {
    throw new ConfigError(`ACCESS_TTL_JITTER (${jitter}) must be below ACCESS_TTL (${accessTtl})`)
  }
  return {
    ...common,
    tokenStore,
    lab: {
      extraClaimBytes: envInt(env, 'JWT_EXTRA_CLAIM_BYTES', 0, { min: 0, max: 65_536 }),
      accessTtlJitter: jitter,
    },
    jwt: {
      alg,
      secret,
      keys,
      keysDir: envString(env, 'JWT_KEYS_DIR', join(dirname(common.dbPath), 'keys')),
      issuer: envString(env, 'JWT_ISSUER', DEFAULTS.jwtIssuer),
      audience: envString(env, 'JWT_AUDIENCE', DEFAULTS.jwtAudience),
      accessTtl,
      clockTolerance: envInt(env, 'CLOCK_TOLERANCE', DEFAULTS.clockTolerance, { min: 0, max: 300 }),
      format,
    },
    refresh: {
      ttl: refreshTtl,
      absoluteTtl,
      grace: envInt(env, 'REFRESH_GRACE', DEFAULTS.refreshGrace, { min: 0, max: 300 }),
      maxFamiliesPerUser: envInt(env, 'REFRESH_MAX_FAMILIES_PER_USER', DEFAULTS.maxFamiliesPerUser, {
        min: 1,
        max: 10_000,
      }),
      rotationBurst: envInt(env, 'REFRESH_BURST', DEFAULTS.refreshBurst, { min: 1, max: 100_000 }),
      rotationRefillMs: refreshRefillMs(env, accessTtl),
    },
    revocation: envEnum(env, 'REVOCATION', REVOCATION_MODES, DEFAULTS.revocation),
    accessTokenCache: envInt(env, 'ACCESS_TOKEN_CACHE', DEFAULTS.accessTokenCache, {
      min: 0,
      max: 1_000_000,
    }),
    jobs: {
      purgeIntervalSeconds: envInt(env, 'PURGE_INTERVAL', DEFAULTS.purgeInterval, { min: 1, max: 86_400 }),
      keyReloadIntervalSeconds: envInt(env, 'KEY_RELOAD_INTERVAL', DEFAULTS.keyReloadInterval, {
        min: 1,
        max: 3600,
      }),
    },
  }
}

/**
 * REFRESH_REFILL (seconds; 0 or unset = half of ACCESS_TTL): one rotation per half an access token's life by
 * default, so a client that refreshes when its token expires (or at half-life) never meets the budget.
 */
function refreshRefillMs(env: Env, accessTtl: number): number {
  const s = envInt(env, 'REFRESH_REFILL', 0, { min: 0, max: 86_400 })
  return s > 0 ? s * 1000 : Math.max(100, accessTtl * 500)
}
