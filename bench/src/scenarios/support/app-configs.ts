/**
 * The four server configurations the behaviour experiments compare (restart, load balancer): where the state that
 * makes a credential valid lives decides what a restart or a second instance does to it.
 */
import type { ServerKind } from '../../lib/processes.js'
import type { AppKind } from './app-client.js'

export type ConfigId = 'stateful-memory' | 'stateful-sqlite' | 'stateless-persisted' | 'stateless-ephemeral'

export interface AppConfig {
  id: ConfigId
  kind: ServerKind & AppKind
  /** Env on top of the harness defaults (cheap argon2, logging off, temp DB). */
  env: Record<string, string>
  /** Where the state that validates a credential lives, for tables. */
  state: string
}

export const APP_CONFIGS: readonly AppConfig[] = [
  {
    id: 'stateful-memory',
    kind: 'stateful',
    env: { SESSION_STORE: 'memory' },
    state: 'sessions in process memory',
  },
  {
    id: 'stateful-sqlite',
    kind: 'stateful',
    env: { SESSION_STORE: 'sqlite' },
    state: 'sessions in the SQLite file',
  },
  {
    id: 'stateless-persisted',
    kind: 'stateless',
    env: { JWT_KEYS: 'persist' },
    state: 'signing key in a key file beside the DB',
  },
  {
    id: 'stateless-ephemeral',
    kind: 'stateless',
    env: { JWT_KEYS: 'ephemeral' },
    state: 'signing key generated in memory at each start',
  },
]

export function configById(id: ConfigId): AppConfig {
  const found = APP_CONFIGS.find((c) => c.id === id)
  if (!found) throw new Error(`unknown configuration ${id}`)
  return found
}

/** Share as a number in 0..1 (NaN-safe: 0 of 0 is reported as 0). */
export function share(part: number, whole: number): number {
  return whole > 0 ? part / whole : 0
}
