/**
 * Credential-size sweep (claim C9 "large payloads hurt performance"), the measuring half; report.ts builds the
 * section.
 *
 * For each padding size the stateless app runs with JWT_EXTRA_CLAIM_BYTES (a `pad` claim of that many bytes in every
 * access token: the bytes travel on every request and are verified each time) and the stateful app with
 * SESSION_EXTRA_DATA_BYTES (the same bytes in the session's server-side data: the cookie stays 43 characters, the
 * SQLite row grows). Each server is loaded on GET /me with autocannon; req/s, server CPU per request (/proc) and the
 * credential's bytes per request are recorded. Every server is visited once per round, in a different shuffled order
 * each round, so a host that drifts during the sweep moves every size alike and the verdict can compare sizes round
 * by round against their between-round spread (lib/evidence.ts). One more stateless server pads past Node's 16 KB
 * header limit to show what refuses the request then.
 */
import { rmSync } from 'node:fs'
import { dirname } from 'node:path'
import type { Credential, Outcome } from '../../lib/client.js'
import { authHeaders, credentialBytes, loginUsers, meStatus } from '../../lib/client.js'
import { type AppConfig, pickApp } from '../../lib/configs.js'
import type { LoadGenerator } from '../../lib/load.js'
import { diffStoreCounts, scrapeStoreCounters } from '../../lib/metrics-scrape.js'
import type { ServerHandle } from '../../lib/processes.js'
import { startServer, tempDbPath } from '../../lib/processes.js'
import { startMany } from '../../lib/start-many.js'
import { median, roundOrders } from '../../lib/stats.js'
import { seedUsers } from '../../lib/users.js'
import type { RunOptions } from '../../report/schema.js'

/** Node's default --max-http-header-size (bytes for all request headers together). */
export const NODE_HEADER_LIMIT = 16_384
/** What browsers keep of one cookie (name + value), RFC 6265 §6.1's minimum that they also use as their maximum. */
export const COOKIE_LIMIT = 4096
/** The app's own cap on an access token without the lab knob (apps/stateless/src/tokens/access-token.ts). */
export const APP_TOKEN_CAP = 4096

export interface SizeSizes {
  padBytes: readonly number[]
  /** Padding of the extra header-limit probe (pushes the Authorization header past 16 KB). */
  probePadBytes: number
  users: number
  connections: number
  /** Visits of every server, each round in its own shuffled order (the verdict needs 3). */
  rounds: number
  /** Load per server before the first round, thrown away (JIT warm-up). */
  settleSec: number
  durationSec: number
  warmupSec: number
}

export function sizeSizes(options: Pick<RunOptions, 'quick'>): SizeSizes {
  return options.quick
    ? {
        padBytes: [0, 4096],
        probePadBytes: 12_288,
        users: 8,
        connections: 8,
        rounds: 1,
        settleSec: 0.3,
        durationSec: 0.8,
        warmupSec: 0.3,
      }
    : {
        padBytes: [0, 1024, 2048, 4096, 8192],
        probePadBytes: 12_288,
        users: 32,
        connections: 16,
        // Three interleaved rounds (the verdict rule's minimum) of 0.7 s per visit after 0.3 s of warm-up (≈ 3–10 k
        // requests each): ~40 s in all, against ~28 s for the single pass it replaces (issue 14: full run < 10 min).
        rounds: 3,
        // 1.5 s per server before round 1: five back-to-back 1 s visits of one server fell 475 → 237 → 158 → 168 →
        // 147 µs (review E1), steady from about the third second of load.
        settleSec: 1.5,
        durationSec: 0.7,
        warmupSec: 0.3,
      }
}

export function sizeEstimateSec(s: SizeSizes): number {
  // Every server starts at once (~0.3 s of wall each on 2 cores from the bundle) and logs its users in (~0.5 s
  // each), then each is visited once per round.
  const servers = s.padBytes.length * 2 + 1
  return (
    3 +
    0.3 * servers +
    (servers - 1) * (0.5 + s.settleSec + 0.1) +
    s.rounds * (servers - 1) * (s.durationSec + s.warmupSec + 0.2)
  )
}

export interface SizePoint {
  app: 'stateless' | 'stateful'
  config: string
  padBytes: number
  /** Stateless: length of the access token; stateful: the session cookie value's length. */
  credentialChars: number
  /** Size of the JWT payload (claims JSON) or of the session's stored data, bytes. */
  dataBytes: number
  /** Bytes the credential adds to every request (`authorization:` / `cookie:` header lines). */
  requestBytes: number
  /** Median over the rounds. */
  rps: number
  /** Summed over the rounds, like non2xx and errors. */
  responses: number
  non2xx: number
  errors: number
  /** Median over the rounds. */
  cpuUsPerReq: number | null
  /** Median over the rounds. */
  p99Ms: number
  /** Per round, in round order (absent in files from before the rounds). */
  cpuUsByRound?: (number | null)[]
  rpsByRound?: number[]
}

export interface HeaderProbe {
  padBytes: number
  requestBytes: number
  status: Outcome
}

export interface SizeMeasurement {
  points: SizePoint[]
  probe: HeaderProbe | null
}

function payloadBytes(token: string | undefined): number {
  const p = token?.split('.')[1]
  return p ? Buffer.from(p, 'base64url').length : 0
}

/** One server's users, logged in once for every round. */
interface Visitable {
  server: ServerHandle
  app: AppConfig
  padBytes: number
  creds: Credential[]
  headers: Record<string, string>[]
}

async function login(
  server: ServerHandle,
  app: AppConfig,
  padBytes: number,
  names: string[],
): Promise<Visitable> {
  const creds = await loginUsers(server.url, app.kind, names)
  return { server, app, padBytes, creds, headers: creds.map((c) => authHeaders(c, '/me')) }
}

/** One visit's figures: a point's, for one round. */
type Visit = Pick<SizePoint, 'rps' | 'responses' | 'non2xx' | 'errors' | 'cpuUsPerReq' | 'p99Ms'>

const loadOf = (v: Visitable, s: SizeSizes) => ({
  url: `${v.server.url}/me`,
  connections: s.connections,
  credentials: v.headers,
})

async function visit(gen: LoadGenerator, v: Visitable, s: SizeSizes): Promise<Visit> {
  const load = loadOf(v, s)
  await gen.run({ ...load, durationSec: s.warmupSec })
  const m0 = await scrapeStoreCounters(v.server.url)
  const cpu0 = v.server.cpuTimes().totalUs
  const r = await gen.run({ ...load, durationSec: s.durationSec })
  const cpuUs = v.server.cpuTimes().totalUs - cpu0
  // Per request the server handled (autocannon misses the in-flight last request of each connection: review E3).
  const handled = diffStoreCounts(m0, await scrapeStoreCounters(v.server.url)).requests
  const n = handled > 0 ? handled : r.responses
  return {
    rps: r.rps2xx,
    responses: r.responses,
    non2xx: r.non2xx,
    // autocannon's `errors` already counts its timeouts (review E6).
    errors: r.errors,
    cpuUsPerReq: n > 0 ? cpuUs / n : null,
    p99Ms: r.latencyMs.p99,
  }
}

function point(v: Visitable, visits: readonly Visit[]): SizePoint {
  const first = v.creds[0] as Credential
  const cpus = visits.map((x) => x.cpuUsPerReq)
  const known = cpus.filter((x): x is number => x !== null)
  return {
    app: v.app.kind,
    config: v.app.id,
    padBytes: v.padBytes,
    credentialChars:
      v.app.kind === 'stateless' ? (first.access?.length ?? 0) : (first.session?.split('=')[1]?.length ?? 0),
    // Stateful: the stored data is {uid, ep, pad} as hono-sessions keeps it; the pad dominates.
    dataBytes: v.app.kind === 'stateless' ? payloadBytes(first.access) : v.padBytes,
    requestBytes: credentialBytes(v.headers[0] ?? {}),
    rps: median(visits.map((x) => x.rps)),
    responses: visits.reduce((n, x) => n + x.responses, 0),
    non2xx: visits.reduce((n, x) => n + x.non2xx, 0),
    errors: visits.reduce((n, x) => n + x.errors, 0),
    cpuUsPerReq: known.length > 0 ? median(known) : null,
    p99Ms: median(visits.map((x) => x.p99Ms)),
    cpuUsByRound: cpus,
    rpsByRound: visits.map((x) => x.rps),
  }
}

export async function measureSize(
  s: SizeSizes,
  gen: LoadGenerator,
  opts: { serverCpu: number | null; progress?: (line: string) => void },
): Promise<SizeMeasurement> {
  const stateless = pickApp('stateless-hs256-none')
  const stateful = pickApp('stateful-sqlite')
  const plan: { app: AppConfig; pad: number; env: Record<string, string> }[] = [
    ...s.padBytes.flatMap((pad): { app: AppConfig; pad: number; env: Record<string, string> }[] => [
      { app: stateless, pad, env: { JWT_EXTRA_CLAIM_BYTES: String(pad) } },
      { app: stateful, pad, env: { SESSION_EXTRA_DATA_BYTES: String(pad) } },
    ]),
    { app: stateless, pad: s.probePadBytes, env: { JWT_EXTRA_CLAIM_BYTES: String(s.probePadBytes) } },
  ]
  const dbPaths = plan.map(() => tempDbPath('auth-lab-size-'))
  let handles: ServerHandle[] = []
  try {
    opts.progress?.(`size: starting ${plan.length} servers`)
    const users = await Promise.all(dbPaths.map((p) => seedUsers(p, { count: s.users, prefix: 'size-' })))
    handles = await startMany(
      plan.map(
        (p, i) => () =>
          startServer({
            kind: p.app.kind,
            env: { ...p.app.env, ...p.env },
            dbPath: dbPaths[i] as string,
            label: `size-${p.app.kind}-${p.pad}`,
            cpu: opts.serverCpu,
            healthTimeoutMs: 60_000,
          }),
      ),
    )
    const measured = plan.slice(0, -1)
    opts.progress?.(`size: logging in ${s.users} users on each of ${measured.length} servers`)
    const targets = await Promise.all(
      measured.map((p, i) => login(handles[i] as ServerHandle, p.app, p.pad, users[i] as string[])),
    )
    // Settle every server first: a visit's 0.3 s warm-up does not finish V8's JIT work, and the first rounds would
    // measure it (review E1: 732 → 392 → 172 µs over three rounds of one server, 475 → 147 µs over five visits).
    for (const t of targets) {
      opts.progress?.(`size: settling ${t.app.id} padded by ${t.padBytes} bytes`)
      await gen.run({ ...loadOf(t, s), durationSec: s.settleSec })
    }
    const visits: Visit[][] = targets.map(() => [])
    for (const [r, order] of roundOrders([...targets.keys()], s.rounds).entries()) {
      for (const i of order) {
        const t = targets[i] as Visitable
        opts.progress?.(
          `size: round ${r + 1}/${s.rounds}, ${t.app.id} padded by ${t.padBytes} bytes, GET /me for ${s.durationSec}s`,
        )
        visits[i]?.push(await visit(gen, t, s))
      }
    }
    const points = targets.map((t, i) => point(t, visits[i] ?? []))
    const last = plan.length - 1
    const [cred] = await loginUsers(
      (handles[last] as ServerHandle).url,
      'stateless',
      (users[last] as string[]).slice(0, 1),
    )
    const probe = cred
      ? {
          padBytes: s.probePadBytes,
          requestBytes: credentialBytes(authHeaders(cred, '/me')),
          status: await meStatus((handles[last] as ServerHandle).url, cred),
        }
      : null
    return { points, probe }
  } finally {
    await Promise.all(handles.map((h) => h.stop('SIGKILL')))
    for (const p of dbPaths) rmSync(dirname(p), { recursive: true, force: true })
  }
}
