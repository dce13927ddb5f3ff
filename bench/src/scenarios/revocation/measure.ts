/**
 * Revocation-window experiment (claims C5 "a JWT cannot be revoked before it expires", C6 "a deny-list / version
 * check fixes that"), the measuring half; report.ts turns the numbers into a report section.
 *
 * One server per mode — stateful (SQLite sessions) and stateless with REVOCATION none, denylist, version — all with
 * a short ACCESS_TTL and CLOCK_TOLERANCE=0 so the window is exactly the token's remaining lifetime. For each event
 * (logout, logout-all, password change) a fresh user logs in on two devices; device 1 performs the event; then the
 * OLD credentials are replayed on /me every 100 ms until refused or until ACCESS_TTL + slack has passed:
 * - `self`: device 1's credential from before the event (the one a thief copied from that browser);
 * - `other`: device 2's credential (logout-all and password change are meant to end every device).
 * Every mode and event runs at the same time, so the whole experiment lasts about one ACCESS_TTL.
 */
import { rmSync } from 'node:fs'
import { dirname } from 'node:path'
import type { Credential, Outcome } from '../../lib/client.js'
import { changePassword, login, logout, logoutAll, meAndKeep, meStatus, refresh } from '../../lib/client.js'
import { type AppConfig, type ConfigId, pickApp } from '../../lib/configs.js'
import type { ServerHandle } from '../../lib/processes.js'
import { startServer, tempDbPath } from '../../lib/processes.js'
import { startMany } from '../../lib/start-many.js'
import { BENCH_PASSWORD, seedUsers } from '../../lib/users.js'
import type { RunOptions } from '../../report/schema.js'

export type RevocationModeId =
  | 'stateful'
  | 'stateless-none'
  | 'stateless-denylist'
  | 'stateless-version'
  | 'stateful-cookie-cache'
export type RevocationEvent = 'logout' | 'logout-all' | 'password'
export type Holder = 'self' | 'other'

/**
 * The modes this experiment compares (the report's names) and the server configuration each one runs.
 * `stateful-cookie-cache` (issue 11 item 8) is the SQLite session behind a signed snapshot cookie of
 * SESSION_COOKIE_CACHE = `cookieCacheTtlSec`: its window is expected to equal that TTL, and is measured here.
 */
export const MODES: readonly { id: RevocationModeId; config: ConfigId; cookieCache?: true }[] = [
  { id: 'stateful', config: 'stateful-sqlite' },
  { id: 'stateless-none', config: 'stateless-hs256-none' },
  { id: 'stateless-denylist', config: 'stateless-hs256-denylist' },
  { id: 'stateless-version', config: 'stateless-hs256-version' },
  { id: 'stateful-cookie-cache', config: 'stateful-sqlite-cookie-cache', cookieCache: true },
]

const EVENTS: RevocationEvent[] = ['logout', 'logout-all', 'password']

export interface RevocationMeasureOptions {
  modes: readonly RevocationModeId[]
  events: readonly RevocationEvent[]
  /** ACCESS_TTL of the stateless servers, seconds (default 10). */
  accessTtlSec: number
  /** SESSION_COOKIE_CACHE of the cookie-cache server, seconds (default 5). */
  cookieCacheTtlSec: number
  /** Replay for at most ACCESS_TTL + slack (default 2 s). */
  slackSec: number
  intervalMs: number
  progress?: (line: string) => void
}

export type RevocationSizes = Omit<RevocationMeasureOptions, 'progress'>

export function revocationSizes(options: Pick<RunOptions, 'quick'>): RevocationSizes {
  return {
    modes: MODES.map((m) => m.id),
    events: EVENTS,
    // Full: 8 s / 4 s (was 10 / 5): windows of seconds against a 100 ms replay interval still read to ±2 %.
    accessTtlSec: options.quick ? 4 : 8,
    cookieCacheTtlSec: options.quick ? 3 : 4,
    slackSec: options.quick ? 1 : 1.5,
    intervalMs: 100,
  }
}

/** Cost for the runner's estimate: every mode and event runs at once, so about one ACCESS_TTL plus the slack. */
/** Five servers start at once (~3 s from the bundle), logins and events (~2 s), then the replays run to the bound. */
export function revocationEstimateSec(s: RevocationSizes): number {
  return 5 + replayBoundSec(s)
}

/** Old credentials are replayed for at most the longest lifetime under test plus the slack. */
export function replayBoundSec(
  s: Pick<RevocationSizes, 'modes' | 'accessTtlSec' | 'cookieCacheTtlSec' | 'slackSec'>,
): number {
  return (
    Math.max(s.accessTtlSec, s.modes.includes('stateful-cookie-cache') ? s.cookieCacheTtlSec : 0) + s.slackSec
  )
}

export interface ReplayRow {
  mode: RevocationModeId
  event: RevocationEvent
  holder: Holder
  /** Status of the event request itself (204 / 200). */
  eventStatus: Outcome
  /** Replays answered 2xx after the event. */
  accepted: number
  /** ms from the event's answer to the last accepted replay (0 when none was accepted). */
  acceptedForMs: number
  /** ms from the event's answer to the first refusal; null when never refused within the bound. */
  refusedAfterMs: number | null
  /** The status of the first refusal (401), or of the last replay when never refused. */
  finalStatus: Outcome
  /** ms the access token still had to live when the event happened (stateless), null for sessions. */
  remainingTtlMs: number | null
  /** Stateless: was the old refresh token still accepted once after the event? null for sessions. */
  refreshAccepted: boolean | null
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/** exp (epoch ms) of a session snapshot cookie (`sid_cache=<b64url JSON>.<mac>`), read without verifying. */
export function snapshotExpMs(cookie: string | undefined): number | null {
  const value = cookie?.slice(cookie.indexOf('=') + 1)
  const payload = value?.split('.')[0]
  if (!payload) return null
  try {
    const exp = (JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { exp?: number }).exp
    return typeof exp === 'number' ? exp : null
  } catch {
    return null
  }
}

/** exp (seconds) of a JWS access token, read without verifying (the server verifies; we only time the window). */
export function tokenExpMs(token: string | undefined): number | null {
  const payload = token?.split('.')[1]
  if (!payload || token?.split('.').length !== 3) return null
  try {
    const exp = (JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { exp?: number }).exp
    return typeof exp === 'number' ? exp * 1000 : null
  } catch {
    return null
  }
}

async function perform(event: RevocationEvent, url: string, cred: Credential): Promise<Outcome> {
  if (event === 'logout') return (await logout(url, cred)).outcome
  if (event === 'logout-all') return (await logoutAll(url, cred)).outcome
  return (await changePassword(url, cred, `${BENCH_PASSWORD}-changed`)).outcome
}

async function replay(url: string, cred: Credential, eventAt: number, boundMs: number, intervalMs: number) {
  let accepted = 0
  let lastAcceptedAt = eventAt
  let finalStatus: Outcome = 'error'
  let refusedAfterMs: number | null = null
  while (Date.now() - eventAt <= boundMs) {
    const status = await meStatus(url, cred)
    finalStatus = status
    if (status !== 'error' && status >= 200 && status < 300) {
      accepted++
      lastAcceptedAt = Date.now()
    } else {
      refusedAfterMs = Date.now() - eventAt
      break
    }
    await sleep(intervalMs)
  }
  return { accepted, acceptedForMs: accepted > 0 ? lastAcceptedAt - eventAt : 0, refusedAfterMs, finalStatus }
}

type Mode = { id: RevocationModeId; app: AppConfig; cookieCache?: true }

async function oneCase(
  mode: Mode,
  server: ServerHandle,
  event: RevocationEvent,
  username: string,
  opts: RevocationMeasureOptions,
): Promise<ReplayRow[]> {
  // A browser's first /me after login picks up the session snapshot when the server has a cookie cache.
  const primed = async (c: Credential) => (mode.cookieCache ? (await meAndKeep(server.url, c)).cred : c)
  const self = await primed(await login(server.url, mode.app.kind, username))
  const other = await primed(await login(server.url, mode.app.kind, username))
  for (const c of [self, other]) {
    const ok = await meStatus(server.url, c)
    if (ok !== 200) throw new Error(`revocation: ${mode.id} ${username} got ${ok} on /me before the event`)
  }
  const eventStatus = await perform(event, server.url, self)
  const eventAt = Date.now()
  const boundMs = replayBoundSec(opts) * 1000
  const holders: [Holder, Credential][] =
    event === 'logout'
      ? [['self', self]]
      : [
          ['self', self],
          ['other', other],
        ]
  return Promise.all(
    holders.map(async ([holder, cred]) => {
      const exp = mode.cookieCache ? snapshotExpMs(cred.snapshot) : tokenExpMs(cred.access)
      const r = await replay(server.url, cred, eventAt, boundMs, opts.intervalMs)
      const refreshAccepted =
        mode.app.kind === 'stateless' ? (await refresh(server.url, cred)).outcome === 200 : null
      return {
        mode: mode.id,
        event,
        holder,
        eventStatus,
        ...r,
        remainingTtlMs: exp === null ? null : Math.max(0, exp - eventAt),
        refreshAccepted,
      }
    }),
  )
}

export async function measureRevocation(opts: RevocationMeasureOptions): Promise<ReplayRow[]> {
  const modes: Mode[] = MODES.filter((m) => opts.modes.includes(m.id)).map((m) => ({
    id: m.id,
    app: pickApp(m.config),
    cookieCache: m.cookieCache,
  }))
  const dbPaths = modes.map(() => tempDbPath('auth-lab-revocation-'))
  let handles: ServerHandle[] = []
  try {
    opts.progress?.(
      `revocation: starting ${modes.length} servers (ACCESS_TTL=${opts.accessTtlSec}s, CLOCK_TOLERANCE=0)`,
    )
    const users = await Promise.all(
      dbPaths.map((dbPath) => seedUsers(dbPath, { count: opts.events.length, prefix: 'rev-' })),
    )
    handles = await startMany(
      modes.map((mode, i) => () => {
        const env = {
          ...mode.app.env,
          ACCESS_TTL: String(opts.accessTtlSec),
          CLOCK_TOLERANCE: '0',
          ...(mode.cookieCache ? { SESSION_COOKIE_CACHE: String(opts.cookieCacheTtlSec) } : {}),
        }
        return startServer({
          kind: mode.app.kind,
          env,
          dbPath: dbPaths[i] as string,
          label: mode.id,
          healthTimeoutMs: 60_000,
        })
      }),
    )
    const servers = modes.map((mode, i) => ({
      mode,
      server: handles[i] as ServerHandle,
      users: users[i] as string[],
    }))
    opts.progress?.(
      `revocation: ${opts.events.join(', ')} on every mode, replaying old credentials every ${opts.intervalMs} ms for up to ${replayBoundSec(opts)}s`,
    )
    const rows = await Promise.all(
      servers.flatMap(({ mode, server, users }) =>
        opts.events.map((event, i) => oneCase(mode, server, event, users[i] as string, opts)),
      ),
    )
    return rows.flat()
  } finally {
    await Promise.all(handles.map((s) => s.stop('SIGKILL')))
    for (const dbPath of dbPaths) rmSync(dirname(dbPath), { recursive: true, force: true })
  }
}
