import type { Adapter, AppName, AppServer, DbSnapshot, FixtureUser, Res } from '../../helpers/index.js'

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

export type CaseGroup = 'login' | 'input' | 'session' | 'jwt' | 'refresh'

export interface AttackCase {
  id: string
  title: string
  group: CaseGroup
  /** The targets it runs against. 'naive' only for JWT cases (the C11 contrast, bench only). */
  apps: readonly Target[]
  /** One line for the report: what a correct app does. */
  expected: string
  /** Roughly how long it takes (sleeps included); the bench prints it, vitest uses it for the timeout. */
  slow?: boolean
  run(ctx: CaseContext, target: Target, check: Check): Promise<void>
}

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
