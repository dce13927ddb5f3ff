import { randomBytes } from 'node:crypto'
import { resolve } from 'node:path'

/**
 * Env parsing shared by both apps and the CLI. Every reader validates and throws a ConfigError naming the variable,
 * so a bad value stops the server at start with a clear message instead of misbehaving later.
 */
export class ConfigError extends Error {
  override name = 'ConfigError'
}

export type Env = Record<string, string | undefined>

function raw(env: Env, name: string): string | undefined {
  const v = env[name]
  return v === undefined || v.trim() === '' ? undefined : v.trim()
}

export function envString(env: Env, name: string, fallback: string): string {
  return raw(env, name) ?? fallback
}

export function envOptional(env: Env, name: string): string | undefined {
  return raw(env, name)
}

export function envInt(
  env: Env,
  name: string,
  fallback: number,
  range: { min?: number; max?: number } = {},
): number {
  const v = raw(env, name)
  if (v === undefined) return fallback
  if (!/^-?\d+$/.test(v)) throw new ConfigError(`${name} must be an integer, got "${v}"`)
  const n = Number(v)
  if (range.min !== undefined && n < range.min)
    throw new ConfigError(`${name} must be >= ${range.min}, got ${n}`)
  if (range.max !== undefined && n > range.max)
    throw new ConfigError(`${name} must be <= ${range.max}, got ${n}`)
  return n
}

export function envBool(env: Env, name: string, fallback: boolean): boolean {
  const v = raw(env, name)
  if (v === undefined) return fallback
  if (['1', 'true', 'yes', 'on'].includes(v.toLowerCase())) return true
  if (['0', 'false', 'no', 'off'].includes(v.toLowerCase())) return false
  throw new ConfigError(`${name} must be 1 or 0, got "${v}"`)
}

export function envEnum<T extends string>(env: Env, name: string, allowed: readonly T[], fallback: T): T {
  const v = raw(env, name)
  if (v === undefined) return fallback
  if (!(allowed as readonly string[]).includes(v)) {
    throw new ConfigError(`${name} must be one of ${allowed.join(', ')}; got "${v}"`)
  }
  return v as T
}

/** Comma-separated origins, each a bare origin like http://localhost:3001 (scheme, host, optional port). */
export function envOrigins(env: Env, name: string, fallback: string[]): string[] {
  const v = raw(env, name)
  if (v === undefined) return fallback
  return v.split(',').map((s) => {
    const o = s.trim()
    let url: URL
    try {
      url = new URL(o)
    } catch {
      throw new ConfigError(`${name}: "${o}" is not an origin`)
    }
    if (url.origin !== o) throw new ConfigError(`${name}: "${o}" must be a bare origin like ${url.origin}`)
    return o
  })
}

/** ≥ 16 bytes: it is compared in constant time, but a short token could still be guessed over the network. */
export const MIN_METRICS_TOKEN_BYTES = 16

function envMetricsToken(env: Env): string | undefined {
  const token = envOptional(env, 'METRICS_TOKEN')
  if (token !== undefined && Buffer.byteLength(token) < MIN_METRICS_TOKEN_BYTES) {
    throw new ConfigError(
      `METRICS_TOKEN must be at least ${MIN_METRICS_TOKEN_BYTES} bytes; generate one with: openssl rand -base64 24`,
    )
  }
  return token
}

/** The settings every app reads the same way. */
export interface CommonConfig {
  port: number
  host: string
  /** LAB_URL: where the lab runs, for the demo page's links to it (the lab sets it on its children). */
  labUrl: string
  dbPath: string
  instanceId: string
  cookieSecure: boolean
  allowedOrigins: string[]
  trustProxy: boolean
  logRequests: boolean
  /** Per-request time limits of the HTTP server (serve.ts explains the defaults). */
  http: { headersTimeoutMs: number; requestTimeoutMs: number }
  /** Bearer token that unlocks GET /metrics; unset = /metrics answers 404 (issue 10, F9). */
  metricsToken: string | undefined
  throttle: { maxFailuresPerUser: number; maxFailuresPerIp: number; windowSeconds: number }
  /** Cost of new hashes, and the per-process bound on concurrent argon2 work (password.ts explains the defaults). */
  argon2: { memoryCost: number; timeCost: number; parallelism: number; maxActive: number; maxQueued: number }
  /**
   * REDIS_URL (unset = no Redis), REDIS_PREFIX (default `auth-lab:`), REDIS_CLIENT_CACHE (default off). With a URL
   * the login throttle lives in Redis; SESSION_STORE / TOKEN_STORE=redis put sessions / refresh state there too.
   */
  redis: { url: string | undefined; prefix: string; clientCache: boolean }
}

/** An http(s) URL without a trailing slash (it lands in the demo page's links: nothing else is accepted). */
function envHttpUrl(env: Env, name: string, fallback: string): string {
  const value = envString(env, name, fallback)
  let url: URL
  try {
    url = new URL(value)
  } catch {
    throw new ConfigError(`${name} must be an http(s) URL, got ${JSON.stringify(value)}`)
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new ConfigError(`${name} must be an http(s) URL, got ${JSON.stringify(value)}`)
  return url.origin
}

/** SQLite's in-memory names stay as they are; any other relative path is taken from where the command was typed. */
function dbPathFrom(env: Env, value: string): string {
  if (value === ':memory:' || value === '' || value.startsWith('file:')) return value
  return resolve(env.INIT_CWD ?? process.cwd(), value)
}

export function readCommonConfig(
  env: Env,
  defaults: { port: number; dbPath: string; app: string },
): CommonConfig {
  const port = envInt(env, 'PORT', defaults.port, { min: 0, max: 65535 })
  const host = envString(env, 'HOST', '127.0.0.1')
  const headersTimeout = envInt(env, 'HTTP_HEADERS_TIMEOUT', 10, { min: 1, max: 300 })
  const requestTimeout = envInt(env, 'HTTP_REQUEST_TIMEOUT', 15, { min: 1, max: 300 })
  // Node refuses a headers timeout above the request timeout; say so here, by name.
  if (headersTimeout > requestTimeout) {
    throw new ConfigError(
      `HTTP_HEADERS_TIMEOUT (${headersTimeout}) must be <= HTTP_REQUEST_TIMEOUT (${requestTimeout})`,
    )
  }
  return {
    port,
    host,
    // A relative DB_PATH means relative to where the user typed the command: pnpm runs a `--filter` script in
    // its package directory and says where it was typed in INIT_CWD (review C5: `keys list` looked elsewhere).
    dbPath: dbPathFrom(env, envString(env, 'DB_PATH', defaults.dbPath)),
    // Random, not the PID: /health shows it, and a PID tells an attacker about the host (issue 10, F9).
    instanceId: envString(env, 'INSTANCE_ID', `${defaults.app}-${randomBytes(4).toString('hex')}`),
    cookieSecure: envBool(env, 'COOKIE_SECURE', false),
    allowedOrigins: envOrigins(env, 'ALLOWED_ORIGINS', [
      `http://localhost:${port}`,
      `http://127.0.0.1:${port}`,
    ]),
    trustProxy: envBool(env, 'TRUST_PROXY', false),
    logRequests: envBool(env, 'LOG_REQUESTS', false),
    labUrl: envHttpUrl(env, 'LAB_URL', 'http://localhost:3000'),
    metricsToken: envMetricsToken(env),
    http: {
      headersTimeoutMs: headersTimeout * 1000,
      requestTimeoutMs: requestTimeout * 1000,
    },
    throttle: {
      maxFailuresPerUser: envInt(env, 'THROTTLE_USER_MAX', 5, { min: 1 }),
      maxFailuresPerIp: envInt(env, 'THROTTLE_IP_MAX', 50, { min: 1 }),
      windowSeconds: envInt(env, 'THROTTLE_WINDOW', 900, { min: 1 }),
    },
    argon2: {
      memoryCost: envInt(env, 'ARGON2_MEMORY_KIB', 19456, { min: 8 }),
      timeCost: envInt(env, 'ARGON2_TIME_COST', 2, { min: 1 }),
      parallelism: envInt(env, 'ARGON2_PARALLELISM', 1, { min: 1 }),
      // Hashes computing at once (each holds ARGON2_MEMORY_KIB) and waiting; beyond that: 503 + Retry-After.
      maxActive: envInt(env, 'ARGON2_MAX_ACTIVE', 2, { min: 1, max: 64 }),
      maxQueued: envInt(env, 'ARGON2_MAX_QUEUED', 64, { min: 0, max: 100_000 }),
    },
    redis: readRedisConfig(env),
  }
}

function readRedisConfig(env: Env): CommonConfig['redis'] {
  let url = envOptional(env, 'REDIS_URL')
  if (url !== undefined && !/^rediss?:\/\/[^\s]+$/.test(url)) {
    throw new ConfigError('REDIS_URL must be a redis:// or rediss:// URL')
  }
  // Redis Cluster: REDIS_CLUSTER_NODES=host:port,host:port (the root nodes) instead of REDIS_URL; the client
  // factory opens createCluster for the resulting `redis+cluster://` URL (apps/shared/src/redis/client.ts).
  const nodes = envOptional(env, 'REDIS_CLUSTER_NODES')
  if (nodes !== undefined) {
    if (url !== undefined) throw new ConfigError('set REDIS_URL or REDIS_CLUSTER_NODES, not both')
    const list = nodes.split(',').map((n) => n.trim())
    if (list.length === 0 || !list.every((n) => /^[A-Za-z0-9.-]+:\d{1,5}$/.test(n))) {
      throw new ConfigError('REDIS_CLUSTER_NODES must be host:port[,host:port…]')
    }
    url = `redis+cluster://${list.join(',')}`
  }
  const prefix = envString(env, 'REDIS_PREFIX', 'auth-lab:')
  if (!/^[A-Za-z0-9:_.-]{1,64}$/.test(prefix) || prefix.includes('{')) {
    throw new ConfigError('REDIS_PREFIX must be 1-64 characters of A-Z a-z 0-9 : _ . - (no hash-tag braces)')
  }
  return { url, prefix, clientCache: envBool(env, 'REDIS_CLIENT_CACHE', false) }
}
