import type { Adapter, AppName, AppServer, DbSnapshot, FixtureUser, Res } from '@auth-lab/test'
import type { StoreKind, StoreProbe } from './store-probe.js'

/**
 * An attack case is data plus a function: the vitest files and the bench scenario run the same definitions, so
 * the report's table is produced by running the cases, never typed by hand.
 */
export type Target = AppName | 'naive'

/** Server configurations a case can ask for; each is started lazily once per context. */
export type Profile =
  | 'main'
  | 'short'
  | 'throttle'
  | 'throttle-xff'
  | 'burst'
  | 'timing'
  | 'version'
  | 'rs256'
  | 'es256'
  | 'eddsa'
  | 'keyfile'
  | 'cookie-cache'
  | 'cookie-cache-short'

export type CaseGroup = 'login' | 'input' | 'session' | 'jwt' | 'refresh'

/** How a case spends its time; vitest and the bench both schedule by it (see pace.ts). */
export type Pace = 'fast' | 'timer' | 'timing'

interface CaseInfo {
  id: string
  title: string
  group: CaseGroup
  /** One line for the report: what a correct app does. */
  expected: string
  /** `fast`: requests only; `timer`: waits out a throttle window or a TTL; `timing`: measures login timing. */
  pace: Pace
  /**
   * The stores the case runs on (default: SQLite only). Cases about per-session / per-token state (rotation,
   * revocation, reuse, the throttle) list `redis` too: the vitest files run them once more with every server on
   * the file's redis-server (issue 12). A case listing only `redis` needs what only a shared store gives.
   */
  stores?: readonly StoreKind[]
}

/** A case against the real apps only. */
export interface AppCase extends CaseInfo {
  verifier?: false
  apps: readonly AppName[]
  run(ctx: CaseContext, app: AppName, check: Check): Promise<void>
}

/**
 * A JWT case: tokens sent to whatever verifies access tokens — the stateless app, and in the bench also the naive
 * verifier, for the C11 contrast (`ctx.verifierUrl(target)`).
 */
export interface VerifierCase extends CaseInfo {
  verifier: true
  group: 'jwt'
  run(ctx: CaseContext, target: Target, check: Check): Promise<void>
}

export type AttackCase = AppCase | VerifierCase

export interface NothingLostOptions {
  /** User ids whose row may change (a victim whose password or token_version the case changes). */
  allowUsers?: number[]
  /** Tables whose content may change (e.g. the sessions table after a login); 'any' skips the table check. */
  allowTables?: string[] | 'any'
  /**
   * Other cases may log in on the same server meanwhile (cases run side by side): then new rows are fine, but no
   * row that existed before may change or disappear.
   */
  insertsOnly?: boolean
}

export interface CaseContext {
  /** A server for the app and profile, started on first use and reused by later cases. */
  server(app: AppName, profile?: Profile): Promise<AppServer>
  /** Base URL of whatever verifies access tokens for a JWT case: the stateless app, or the naive verifier. */
  verifierUrl(target: Target, profile?: Profile): Promise<string>
  adapter(app: AppName): Adapter
  /** Where this context's servers keep sessions, refresh state and the throttle. */
  readonly store: StoreKind
  /** Env that puts a server on this context's store (empty for SQLite; Redis URL, prefix, stores for Redis). */
  storeEnv(): Promise<Record<string, string>>
  /** Gray-box reads of a server's store (cases never read SQLite or Redis themselves). */
  probe(server: AppServer): Promise<StoreProbe>
  /** A fixture user no other case has touched. */
  victim(server: AppServer): FixtureUser
  /** Call before the attack: makes sure bob holds a credential, then snapshots the DB for `nothingLost`. */
  before(server: AppServer): Promise<DbSnapshot>
  /** The catalogue's NL check: users unchanged, no unexpected rows, /health < 1 s, bob's credential still works. */
  nothingLost(server: AppServer, before: DbSnapshot, check: Check, opts?: NothingLostOptions): Promise<void>
  /**
   * True while cases run side by side on shared servers: `nothingLost` then allows other cases' inserts and only
   * insists that no pre-existing row changed or vanished.
   */
  sideBySide: boolean
  close(): Promise<void>
}

/** Collects what a case saw. A case passes when nothing it checked failed; `observed` is what the table shows. */
export class Check {
  readonly failures: string[] = []
  readonly notes: string[] = []
  /** Variants a verifier accepted (JWT cases); for the naive verifier this is the point of the exercise. */
  readonly accepted: string[] = []

  that(ok: boolean, what: string): boolean {
    if (!ok) this.failures.push(what)
    return ok
  }

  note(text: string): void {
    this.notes.push(text)
  }

  /** Status must be one of `expected`; records "label: got N (code)" on failure. */
  status(label: string, res: Res, expected: number | readonly number[]): boolean {
    const list = typeof expected === 'number' ? [expected] : expected
    return this.that(
      list.includes(res.status),
      `${label}: got ${res.status}${codeOf(res)} (want ${list.join('/')})`,
    )
  }

  /** Status and error code. */
  error(label: string, res: Res, status: number, code: string): boolean {
    return this.that(
      res.status === status && res.json?.error === code,
      `${label}: got ${res.status}${codeOf(res)} (want ${status} ${code})`,
    )
  }
}

export function codeOf(res: Res): string {
  return typeof res.json?.error === 'string' ? ` ${res.json.error}` : ''
}

export interface CaseResult {
  id: string
  title: string
  group: CaseGroup
  app: Target
  expected: string
  observed: string
  pass: boolean
  failures: string[]
  accepted: string[]
  ms: number
}
