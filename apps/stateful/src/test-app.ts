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

  constructor(
    private readonly app: Hono<AppEnv>,
    readonly cookieName: string,
  ) {}

  async request(path: string, init: RequestInit & { json?: unknown } = {}): Promise<Response> {
    const headers = new Headers(init.headers)
    if (this.cookie !== undefined && !headers.has('cookie'))
      headers.set('cookie', `${this.cookieName}=${this.cookie}`)
    let body = init.body
    if (init.json !== undefined) {
      headers.set('content-type', 'application/json')
      body = JSON.stringify(init.json)
    }
    const res = await this.app.request(path, { ...init, headers, body })
    const mine = res.headers.getSetCookie().filter((c) => c.startsWith(`${this.cookieName}=`))
    const last = mine.at(-1)
    if (last !== undefined) {
      const value = last.slice(this.cookieName.length + 1).split(';')[0] ?? ''
      this.cookie = /max-age=0/i.test(last) || value === '' ? undefined : value
    }
    return res
  }

  login(username: string, password: string, init: RequestInit = {}): Promise<Response> {
    return this.request('/auth/login', { ...init, method: 'POST', json: { username, password } })
  }
}
