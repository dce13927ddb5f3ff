import { join } from 'node:path'
import type { Env } from '@auth-lab/shared'
import { ConfigError, defaultDbPath, envBool, envInt, envString } from '@auth-lab/shared'

/**
 * The lab front's configuration: one defaults object, every knob an env var (docs/lab.md lists them).
 * The lab runs THREE child servers on one SQLite file: the stateful app, the stateless app in its default checked
 * mode (`REVOCATION=denylist`, on the port the README gives the stateless app) and the stateless app in its pure
 * mode (`REVOCATION=none`), so the JWT revocation window is visible next to a mode that closes it.
 */
export const DEFAULTS = {
  port: 3000,
  statefulPort: 3001,
  statelessPort: 3002,
  statelessNonePort: 3003,
  /** LAB_ACCESS_TTL, seconds: short, so "let a token expire" and the replay window fit in a demo. */
  accessTtl: 60,
  /** LAB_CLOCK_TOLERANCE, seconds: the stateless app's default. */
  clockTolerance: 5,
  /** LAB_REFRESH_GRACE, seconds: 0 = strict rotation, so the multi-tab race shows its bug by default. */
  refreshGrace: 0,
} as const

export type AppKind = 'stateful' | 'stateless'
export type InstanceId = 'stateful' | 'stateless' | 'stateless-none'

/** One child server: which app, where the lab mounts it, how it is started. */
export interface InstanceSpec {
  id: InstanceId
  app: AppKind
  /** Path prefix on the lab origin: `/stateful/me` is proxied to `/me` on this instance. */
  prefix: string
  port: number
  /** Env given to the child on top of PORT/HOST/DB_PATH/ALLOWED_ORIGINS (restarts may override a few). */
  env: Record<string, string>
}

export interface LabConfig {
  port: number
  /** LAB_HTTPS=1 (`pnpm start --https`): the front serves TLS and the apps run with COOKIE_SECURE=1. */
  https: boolean
  /** LAB_TLS_DIR: where the self-signed certificate is kept (default: `tls/` beside the database, data/tls/). */
  tlsDir: string
  host: string
  /** LAB_ALLOW_REMOTE=1: the lab answers peers off loopback too (createApp's allowRemote; review H2). */
  allowRemote: boolean
  dbPath: string
  /** Where the stateless app keeps its key file (the apps' default: beside the database). */
  keysDir: string | undefined
  instances: InstanceSpec[]
}

export function readLabConfig(env: Env): LabConfig {
  const port = envInt(env, 'LAB_PORT', DEFAULTS.port, { min: 1, max: 65535 })
  const host = envString(env, 'HOST', '127.0.0.1')
  const dbPath = envString(env, 'DB_PATH', defaultDbPath())
  const accessTtl = String(envInt(env, 'LAB_ACCESS_TTL', DEFAULTS.accessTtl, { min: 1, max: 86_400 }))
  const tolerance = String(envInt(env, 'LAB_CLOCK_TOLERANCE', DEFAULTS.clockTolerance, { min: 0, max: 300 }))
  const grace = String(envInt(env, 'LAB_REFRESH_GRACE', DEFAULTS.refreshGrace, { min: 0, max: 300 }))
  const https = envBool(env, 'LAB_HTTPS', false)
  const allowRemote = envBool(env, 'LAB_ALLOW_REMOTE', false)
  // HTTPS mode: the apps name and flag their cookies as in a real deployment (__Host-sid, __Secure-rt, Secure).
  const secure: Record<string, string> = https ? { COOKIE_SECURE: '1' } : {}
  const stateless = { ACCESS_TTL: accessTtl, CLOCK_TOLERANCE: tolerance, REFRESH_GRACE: grace, ...secure }
  const instances: InstanceSpec[] = [
    {
      id: 'stateful',
      app: 'stateful',
      prefix: '/stateful',
      port: envInt(env, 'STATEFUL_PORT', DEFAULTS.statefulPort, { min: 1, max: 65535 }),
      // `pnpm start --redis` sets SESSION_STORE=redis in the environment; the lab's restart experiment overrides it.
      env: { SESSION_STORE: env.SESSION_STORE ?? 'sqlite', ...secure },
    },
    {
      id: 'stateless-none',
      app: 'stateless',
      prefix: '/stateless-none',
      port: envInt(env, 'STATELESS_NONE_PORT', DEFAULTS.statelessNonePort, { min: 1, max: 65535 }),
      env: { ...stateless, REVOCATION: 'none', JWT_KEYS: 'persist' },
    },
    {
      id: 'stateless',
      app: 'stateless',
      prefix: '/stateless',
      port: envInt(env, 'STATELESS_PORT', DEFAULTS.statelessPort, { min: 1, max: 65535 }),
      env: { ...stateless, REVOCATION: 'denylist', JWT_KEYS: 'persist' },
    },
  ]
  const ports = new Set([port, ...instances.map((i) => i.port)])
  if (ports.size !== instances.length + 1)
    throw new ConfigError('LAB_PORT and the instance ports must differ')
  const tlsDir = envString(env, 'LAB_TLS_DIR', join(dbPath, '..', 'tls'))
  return { port, https, tlsDir, host, allowRemote, dbPath, keysDir: env.JWT_KEYS_DIR, instances }
}

/**
 * What a restart may change, and to what: the experiments' knobs, nothing else (the lab API takes no free-form env).
 */
export const RESTART_KNOBS: Record<AppKind, Record<string, readonly string[]>> = {
  stateful: { SESSION_STORE: ['sqlite', 'memory'] },
  stateless: { JWT_KEYS: ['persist', 'ephemeral'], REFRESH_GRACE: ['0', '2', '5', '10', '30'] },
}
