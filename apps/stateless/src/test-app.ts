import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Env } from '@auth-lab/shared'
import { manualClock } from '@auth-lab/shared'
import type { Hono } from 'hono'
import { createApp } from './app.js'
import { readConfig } from './config.js'
import type { OpenedDeps } from './deps.js'
import { openDeps } from './deps.js'
import type { AppEnv } from './env.js'

/**
 * The test fixture (not a test file, not exported by the package): a fresh app on a temporary DB and keys
 * directory, a manual clock, cheap argon2 (256 KiB, t=1), and the three fixture users. `dir` reopens the same DB
 * and keys (the restart and two-instance tests); `unexpected` collects what the app reported via `onUnexpected`.
 */
export type TestClock = ReturnType<typeof manualClock>

export interface TestApp {
  app: Hono<AppEnv>
  deps: OpenedDeps
  clock: TestClock
  dir: string
  unexpected: unknown[]
  close(): void
}

export interface TestAppOptions {
  /** Env overrides on top of the test defaults (e.g. `{ REVOCATION: 'none' }`). */
  env?: Env
  /** Reuse this directory (DB + keys); it is then left in place by `close()`. */
  dir?: string
  clock?: TestClock
  /** Create the fixture users (default true). */
  seed?: boolean
}

export const USERS = {
  alice: { username: 'alice', password: 'alice-test-pass' },
  bob: { username: 'bob', password: 'bob-test-pass' },
  carol: { username: 'carol', password: 'carol-test-pass' },
} as const

export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'auth-lab-stateless-'))
}

export async function testApp(opts: TestAppOptions = {}): Promise<TestApp> {
  const dir = opts.dir ?? tempDir()
  const clock = opts.clock ?? manualClock(Date.UTC(2026, 0, 1, 12))
  const config = readConfig({
    DB_PATH: join(dir, 'auth-lab.db'),
    ARGON2_MEMORY_KIB: '256',
    ARGON2_TIME_COST: '1',
    PORT: '3999',
    ...opts.env,
  })
  const unexpected: unknown[] = []
  const deps = await openDeps(config, { clock, onUnexpected: (e) => unexpected.push(e) })
  const app = createApp(deps)
  if (opts.seed !== false) {
    for (const u of [
      USERS.alice,
      { ...USERS.bob, role: 'admin' as const },
      { ...USERS.carol, disabled: true },
    ]) {
      if (deps.users.findByUsername(u.username)) continue
      // Two instances opening one file at once may both try: the loser finds the user there.
      await deps.users.create(u).catch((err: { code?: string }) => {
        if (err.code !== 'username_taken') throw err
      })
    }
  }
  return {
    app,
    deps,
    clock,
    dir,
    unexpected,
    close() {
      deps.close()
      if (!opts.dir) rmSync(dir, { recursive: true, force: true })
    },
  }
}

export interface LoggedIn {
  status: number
  accessToken: string
  /** `rt=<value>` ready for a Cookie header. */
  cookie: string
  refreshToken: string
  body: Record<string, unknown>
  res: Response
}

/** The refresh cookie of a response (the last Set-Cookie for it), as `name=value`; undefined if none or cleared. */
export function refreshCookieOf(res: Response): string | undefined {
  const set = res.headers.getSetCookie().filter((c) => /^(__Secure-)?rt=/.test(c))
  const last = set.at(-1)
  if (!last) return undefined
  const pair = last.split(';')[0]!
  return pair.endsWith('=') ? undefined : pair
}

export async function login(
  t: TestApp,
  user: { username: string; password: string } = USERS.alice,
): Promise<LoggedIn> {
  const res = await t.app.request('/auth/login', {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'user-agent': 'vitest' },
    body: JSON.stringify(user),
  })
  const body = (await res.json()) as Record<string, unknown>
  const cookie = refreshCookieOf(res) ?? ''
  return {
    status: res.status,
    accessToken: String(body.access_token ?? ''),
    cookie,
    refreshToken: cookie.split('=')[1] ?? '',
    body,
    res,
  }
}

export function bearer(token: string): { authorization: string } {
  return { authorization: `Bearer ${token}` }
}

export function me(t: TestApp, token: string): Promise<Response> {
  return Promise.resolve(t.app.request('/me', { headers: bearer(token) }))
}

export function refresh(t: TestApp, cookie: string, headers: Record<string, string> = {}): Promise<Response> {
  return Promise.resolve(t.app.request('/auth/refresh', { method: 'POST', headers: { cookie, ...headers } }))
}
