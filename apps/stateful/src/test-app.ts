/**
 * The one test fixture of the stateful app (not a test file itself): `testApp()` is an app on an in-memory SQLite
 * database (or the memory session store) with a manual clock and cheap argon2, three users (carol disabled), and a
 * tiny cookie jar that behaves like a browser (keeps the LAST Set-Cookie for the session name; Max-Age=0 deletes
 * it). `wrapStore` puts a decorator (e.g. a failing store) between the session core and its store.
 */
import type { Env } from '@auth-lab/shared'
import { manualClock } from '@auth-lab/shared'
import type { Hono } from 'hono'
import { createApp } from './app.js'
import { readConfig } from './config.js'
import type { OpenedDeps } from './deps.js'
import { openDeps, openSessions } from './deps.js'
import type { AppEnv } from './env.js'
import type { SessionStore } from './session/session-store.js'

export const PASSWORDS = { alice: 'alice-password', bob: 'bob-password', carol: 'carol-password' } as const

export interface TestApp {
  app: Hono<AppEnv>
  deps: OpenedDeps
  clock: ReturnType<typeof manualClock>
  errors: unknown[]
  ids: { alice: number; bob: number; carol: number }
  client(): Client
  rows(): number
}

export async function testApp(
  opts: { env?: Env; wrapStore?: (s: SessionStore) => SessionStore; reuseUsers?: boolean } = {},
): Promise<TestApp> {
  const clock = manualClock(Date.UTC(2026, 0, 1, 12))
  const config = readConfig({
    DB_PATH: ':memory:',
    ARGON2_MEMORY_KIB: '256',
    ARGON2_TIME_COST: '1',
    INSTANCE_ID: 'test-1',
    ...opts.env,
  })
  const errors: unknown[] = []
  const deps = await openDeps(config, { clock, onUnexpected: (e) => errors.push(e) })
  if (opts.wrapStore) deps.sessions = openSessions(config, deps, opts.wrapStore)
  const make = async (username: keyof typeof PASSWORDS, extra: { role?: 'admin'; disabled?: boolean } = {}) =>
    (opts.reuseUsers && deps.users.findByUsername(username)) ||
    deps.users.create({ username, password: PASSWORDS[username], ...extra })
  const alice = await make('alice')
  const bob = await make('bob', { role: 'admin' })
  const carol = await make('carol', { disabled: true })
  const app = createApp(deps)
  const cookieName = config.cookieSecure ? '__Host-sid' : 'sid'
  return {
    app,
    deps,
    clock,
    errors,
    ids: { alice: alice.id, bob: bob.id, carol: carol.id },
    client: () => new Client(app, cookieName),
    rows: () => deps.db.prepare('SELECT COUNT(*) FROM sessions').pluck().get() as number,
  }
}

export const JSON_HEADERS = { 'Content-Type': 'application/json' }

export class Client {
  cookie: string | undefined
  /** The session cookie cache's snapshot (`sid_cache`), kept like the browser keeps it; undefined when none. */
  snapshot: string | undefined

  constructor(
    private readonly app: Hono<AppEnv>,
    readonly cookieName: string,
  ) {}

  get snapshotName(): string {
    return `${this.cookieName}_cache`
  }

  async request(path: string, init: RequestInit & { json?: unknown } = {}): Promise<Response> {
    const headers = new Headers(init.headers)
    if (!headers.has('cookie')) {
      const jar = [
        this.cookie !== undefined ? `${this.cookieName}=${this.cookie}` : undefined,
        this.snapshot !== undefined ? `${this.snapshotName}=${this.snapshot}` : undefined,
      ].filter((x) => x !== undefined)
      if (jar.length > 0) headers.set('cookie', jar.join('; '))
    }
    let body = init.body
    if (init.json !== undefined) {
      headers.set('content-type', 'application/json')
      body = JSON.stringify(init.json)
    }
    const res = await this.app.request(path, { ...init, headers, body })
    const kept = (name: string, current: string | undefined) => {
      const last = res.headers
        .getSetCookie()
        .filter((c) => c.startsWith(`${name}=`))
        .at(-1)
      if (last === undefined) return current
      const value = last.slice(name.length + 1).split(';')[0] ?? ''
      return /max-age=0/i.test(last) || value === '' ? undefined : value
    }
    this.cookie = kept(this.cookieName, this.cookie)
    this.snapshot = kept(this.snapshotName, this.snapshot)
    return res
  }

  login(username: string, password: string, init: RequestInit = {}): Promise<Response> {
    return this.request('/auth/login', { ...init, method: 'POST', json: { username, password } })
  }
}
