/**
 * The one catalogue of server configurations every scenario picks from, by id. A configuration is an app plus
 * the env that decides its mechanism; harness defaults (loopback, temp DB, cheap argon2, logging off) come from
 * lib/processes.ts, and a scenario may add its own knobs on top (overhead: 1 h access tokens; revocation: a short
 * ACCESS_TTL). Ids are the ones the reports show; one id, one configuration.
 */
import type { ServerKind } from './processes.js'

/** The app a configuration runs, as opposed to the floor server (kind `floor`). */
export type AppKind = Exclude<ServerKind, 'floor'>

interface ServerConfig {
  kind: ServerKind
  env: Readonly<Record<string, string>>
  /** What the variant is, for the overhead tables. */
  description: string
  /** Where the state that makes a credential valid lives (restart, load balancer). */
  state: string
}

const app = (kind: AppKind, env: Record<string, string>, description: string, state: string) => ({
  kind,
  env,
  description,
  state,
})

const KEY_FILE = 'signing key in a key file beside the DB'
/**
 * The stateless app caches verified tokens by default (ACCESS_TOKEN_CACHE, issue 11 item 7); the variants measured
 * before it existed turn it off so their figures stay comparable. The `-cached` variants below turn it on.
 */
const NO_TOKEN_CACHE = { ACCESS_TOKEN_CACHE: '0' }
const TOKEN_CACHE = { ACCESS_TOKEN_CACHE: '10000' }

export const CONFIGS = {
  'stateful-memory': app(
    'stateful',
    { SESSION_STORE: 'memory' },
    'cookie session, in-process Map store (hono-sessions)',
    'sessions in process memory',
  ),
  'stateful-sqlite': app(
    'stateful',
    { SESSION_STORE: 'sqlite' },
    'cookie session, SQLite store (hono-sessions; row keyed by SHA-256 of the id)',
    'sessions in the SQLite file',
  ),
  // Signing keys: where the key lives decides what a restart or a second instance does to a token.
  'stateless-persisted': app(
    'stateless',
    { ...NO_TOKEN_CACHE, JWT_KEYS: 'persist' },
    'JWT HS256 (jose), key file beside the DB, deny-list revocation (the defaults)',
    KEY_FILE,
  ),
  'stateless-ephemeral': app(
    'stateless',
    { ...NO_TOKEN_CACHE, JWT_KEYS: 'ephemeral' },
    'JWT HS256 (jose), key generated in memory at each start',
    'signing key generated in memory at each start',
  ),
  // Revocation (REVOCATION=none | denylist | version), HS256.
  'stateless-hs256-none': app(
    'stateless',
    { ...NO_TOKEN_CACHE, JWT_ALG: 'HS256', REVOCATION: 'none' },
    'JWT HS256 (jose), no revocation check: no store access',
    KEY_FILE,
  ),
  'stateless-hs256-denylist': app(
    'stateless',
    { ...NO_TOKEN_CACHE, JWT_ALG: 'HS256', REVOCATION: 'denylist' },
    'JWT HS256 + jti deny-list lookup in SQLite per request',
    KEY_FILE,
  ),
  'stateless-hs256-version': app(
    'stateless',
    { ...NO_TOKEN_CACHE, JWT_ALG: 'HS256', REVOCATION: 'version' },
    "JWT HS256 + user's token_version read from SQLite per request",
    KEY_FILE,
  ),
  // Algorithms and formats, with REVOCATION=none so they measure the token alone.
  'stateless-rs256': app(
    'stateless',
    { ...NO_TOKEN_CACHE, JWT_ALG: 'RS256', REVOCATION: 'none' },
    'JWT RS256 (RSA-2048, jose), no revocation check',
    KEY_FILE,
  ),
  'stateless-es256': app(
    'stateless',
    { ...NO_TOKEN_CACHE, JWT_ALG: 'ES256', REVOCATION: 'none' },
    'JWT ES256 (P-256, jose), no revocation check',
    KEY_FILE,
  ),
  'stateless-eddsa': app(
    'stateless',
    { ...NO_TOKEN_CACHE, JWT_ALG: 'EdDSA', REVOCATION: 'none' },
    'JWT EdDSA (Ed25519, jose), no revocation check',
    KEY_FILE,
  ),
  'stateless-jwe': app(
    'stateless',
    { ...NO_TOKEN_CACHE, ACCESS_TOKEN_FORMAT: 'jwe', REVOCATION: 'none' },
    'encrypted JWT (JWE dir + A256GCM, jose), no revocation check',
    KEY_FILE,
  ),
  // Issue 11 items 7–8: the two caches, appended so existing ids keep their meaning.
  'stateless-hs256-none-cached': app(
    'stateless',
    { ...TOKEN_CACHE, JWT_ALG: 'HS256', REVOCATION: 'none' },
    'JWT HS256 (jose) behind the verified-token cache, no revocation check',
    KEY_FILE,
  ),
  'stateless-es256-none-cached': app(
    'stateless',
    { ...TOKEN_CACHE, JWT_ALG: 'ES256', REVOCATION: 'none' },
    'JWT ES256 (P-256, jose) behind the verified-token cache, no revocation check',
    KEY_FILE,
  ),
  'stateless-hs256-denylist-cached': app(
    'stateless',
    { ...TOKEN_CACHE, JWT_ALG: 'HS256', REVOCATION: 'denylist' },
    'JWT HS256 behind the verified-token cache + jti deny-list lookup in SQLite per request',
    KEY_FILE,
  ),
  'stateful-sqlite-cookie-cache': app(
    'stateful',
    { SESSION_STORE: 'sqlite', SESSION_COOKIE_CACHE: '300' },
    'cookie session, SQLite store, plus a signed 300 s session snapshot cookie (Better Auth-style cookieCache)',
    'sessions in the SQLite file; a signed snapshot in a second cookie',
  ),
  // Issue 12 item 6: per-request state in Redis (a real network hop). No REDIS_URL here: the harness starts its own
  // redis-server per run and adds REDIS_URL + a per-server REDIS_PREFIX (lib/redis.ts).
  'stateful-redis': app(
    'stateful',
    { SESSION_STORE: 'redis' },
    'cookie session, Redis store (node-redis, RESP3; HGETALL per request)',
    'sessions in Redis, shared by every instance',
  ),
  'stateful-redis-cached': app(
    'stateful',
    { SESSION_STORE: 'redis', REDIS_CLIENT_CACHE: '1' },
    'cookie session, Redis store with RESP3 client-side caching (reads from process memory, invalidated by push)',
    'sessions in Redis, cached in each instance until Redis pushes an invalidation',
  ),
  'stateless-hs256-denylist-redis': app(
    'stateless',
    { ...NO_TOKEN_CACHE, JWT_ALG: 'HS256', REVOCATION: 'denylist', TOKEN_STORE: 'redis' },
    'JWT HS256 + deny-list lookup in Redis per request (EXISTS over the jti and sid keys)',
    `${KEY_FILE}; refresh families and the deny-list in Redis`,
  ),
  'stateless-hs256-denylist-redis-cached': app(
    'stateless',
    {
      ...NO_TOKEN_CACHE,
      JWT_ALG: 'HS256',
      REVOCATION: 'denylist',
      TOKEN_STORE: 'redis',
      REDIS_CLIENT_CACHE: '1',
    },
    'JWT HS256 + deny-list in Redis with RESP3 client-side caching (EXISTS answered from process memory until Redis pushes an invalidation)',
    `${KEY_FILE}; refresh families and the deny-list in Redis, deny-list reads cached in each instance`,
  ),
  floor: {
    kind: 'floor',
    env: {},
    description:
      'floor server: same Hono + node-server stack and shared middleware, raw auth routes, no auth library',
    state: 'a Map, a SQLite table and an HMAC key, in the process and its DB',
  },
} as const satisfies Record<string, ServerConfig>

export type ConfigId = keyof typeof CONFIGS

/** A configuration as a scenario uses it: the catalogue entry with its id. */
export interface Config extends ServerConfig {
  id: ConfigId
}

/** A configuration of one of the two apps (not the floor server). */
export interface AppConfig extends Config {
  kind: AppKind
}

export function pick(id: ConfigId): Config {
  const found: ServerConfig | undefined = CONFIGS[id]
  if (!found) throw new Error(`unknown server configuration ${id}`)
  return { ...found, id }
}

export function pickApp(id: ConfigId): AppConfig {
  const c = pick(id)
  if (c.kind === 'floor') throw new Error(`${id} is not an app configuration`)
  return { ...c, kind: c.kind }
}

/** Where the state that validates a credential lives: the four configurations restart and lb compare. */
export const STATE_CONFIGS: readonly AppConfig[] = [
  'stateful-memory',
  'stateful-sqlite',
  'stateless-persisted',
  'stateless-ephemeral',
].map((id) => pickApp(id as ConfigId))
