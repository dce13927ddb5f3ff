/**
 * Refresh storm (issue 14, "Also measure"), the measuring half; report.ts builds the section.
 *
 * N users' access tokens are all issued at once (a deploy, a restart with per-boot keys: every client refreshes in
 * the same moment — wave 1), so they all expire together and every client refreshes again at its token's `exp`
 * (wave 2, the storm). Two servers share one DB (same users, same refresh families, same key file): one issues every
 * token with exactly ACCESS_TTL, the other with the lab knob ACCESS_TTL_JITTER (each lifetime shortened by a random
 * 0…J s). The same clients run both cases one after the other. Clients send at most `inFlight` requests at a time (a
 * browser fleet's requests queue in the network and the server's backlog; here in the harness), and every refresh's
 * latency counts from the moment its client wanted it (its due time), so queueing shows.
 */
import { rmSync } from 'node:fs'
import { dirname } from 'node:path'
import type { Credential, Outcome } from '../../lib/client.js'
import { mapLimit, refresh } from '../../lib/client.js'
import { pickApp } from '../../lib/configs.js'
import { fastLogin } from '../../lib/fast-login.js'
import { pinProcess } from '../../lib/pinning.js'
import type { ServerHandle } from '../../lib/processes.js'
import { sleep, startServer, tempDbPath } from '../../lib/processes.js'
import { percentile } from '../../lib/quantile.js'
import { startMany } from '../../lib/start-many.js'
import { seedUsers } from '../../lib/users.js'
import type { RunOptions } from '../../report/schema.js'
import { tokenExpMs } from '../revocation/measure.js'

export interface StormSizes {
  users: number
  accessTtlSec: number
  jitterSec: number
  inFlight: number
  bucketMs: number
}

export function stormSizes(options: Pick<RunOptions, 'quick'>): StormSizes {
  return options.quick
    ? { users: 1000, accessTtlSec: 3, jitterSec: 2, inFlight: 64, bucketMs: 250 }
    : { users: 10_000, accessTtlSec: 8, jitterSec: 6, inFlight: 256, bucketMs: 250 }
}

export function stormEstimateSec(s: StormSizes): number {
  // Two starts, logins (~0.9 ms each, unpinned, with the node:http client), then per case wave 1's drain at ~1,400
  // refreshes/s, one TTL, wave 2's drain; jitter spreads the jittered case's waves over its extra seconds.
  return 3 + s.users * 0.0009 + 2 * (s.accessTtlSec + 1 + s.users / 1400) + 1.5 * s.jitterSec
}

export interface WaveStats {
  requests: number
  ok: number
  non2xx: number
  errors: number
  /** Refreshes due per bucket (what the clients asked for) and answered per bucket, from the wave's first due time. */
  dueBuckets: number[]
  doneBuckets: number[]
  /**
   * Highest due and served rate: the most events in any one-second window (`peakPerSecond`). Files from before
   * session 9 have no `peakWindowMs` and scaled their busiest 250 ms bucket ×4 (see `windowedPeaks`).
   */
  peakDuePerSec: number
  peakServedPerSec: number
  peakWindowMs?: number
  /** From due time to answer, ms. */
  p50Ms: number | null
  p99Ms: number | null
  /** First due to last answer, s. */
  spanSec: number
}

export interface StormCase {
  jitterSec: number
  wave1: WaveStats
  wave2: WaveStats
}

/** At most `n` at once; the rest wait in arrival order. */
function limiter(n: number) {
  let free = n
  const waiters: (() => void)[] = []
  return async <T>(fn: () => Promise<T>): Promise<T> => {
    if (free > 0) free--
    else await new Promise<void>((r) => waiters.push(r))
    try {
      return await fn()
    } finally {
      const w = waiters.shift()
      if (w) w()
      else free++
    }
  }
}

interface Event {
  dueMs: number
  doneMs: number
  status: Outcome
}

/**
 * The most events in any one-second window (sliding, not aligned to buckets). A token's `exp` is a whole second, so
 * every refresh due in a second lands at one instant: a 250 ms bucket scaled ×4 read such a second as 4× its rate
 * (review E2: 6,312/s reported where at most 1,578 fell in any second).
 */
export function peakPerSecond(times: readonly number[], windowMs = 1000): number {
  const t = [...times].sort((a, b) => a - b)
  let best = 0
  let lo = 0
  for (let hi = 0; hi < t.length; hi++) {
    while ((t[hi] as number) - (t[lo] as number) >= windowMs) lo++
    best = Math.max(best, hi - lo + 1)
  }
  return (best * 1000) / windowMs
}

/**
 * A wave from a file written before `peakPerSecond`, its peaks re-derived from its own buckets: the most events in
 * any run of consecutive buckets spanning one second. Waves that already carry `peakWindowMs` are returned as
 * they are.
 */
export function windowedPeaks(w: WaveStats, bucketMs: number): WaveStats {
  if (w.peakWindowMs !== undefined) return w
  const k = Math.max(1, Math.round(1000 / bucketMs))
  const peak = (b: readonly number[]) => {
    let best = 0
    for (let i = 0; i < b.length; i++)
      best = Math.max(
        best,
        b.slice(i, i + k).reduce((a, x) => a + x, 0),
      )
    return (best * 1000) / (k * bucketMs)
  }
  return {
    ...w,
    peakDuePerSec: peak(w.dueBuckets),
    peakServedPerSec: peak(w.doneBuckets),
    peakWindowMs: 1000,
  }
}

function stats(events: readonly Event[], bucketMs: number): WaveStats {
  const start = Math.min(...events.map((e) => e.dueMs))
  const buckets = (xs: number[]) => {
    const out: number[] = []
    for (const x of xs) {
      const b = Math.max(0, Math.floor((x - start) / bucketMs))
      out[b] = (out[b] ?? 0) + 1
    }
    return Array.from(out, (v) => v ?? 0)
  }
  const dueBuckets = buckets(events.map((e) => e.dueMs))
  const doneBuckets = buckets(events.map((e) => e.doneMs))
  const latencies = events.map((e) => e.doneMs - e.dueMs).sort((a, b) => a - b)
  return {
    requests: events.length,
    ok: events.filter((e) => e.status === 200).length,
    non2xx: events.filter((e) => e.status !== 'error' && e.status !== 200).length,
    errors: events.filter((e) => e.status === 'error').length,
    dueBuckets,
    doneBuckets,
    peakDuePerSec: peakPerSecond(events.map((e) => e.dueMs)),
    peakServedPerSec: peakPerSecond(events.map((e) => e.doneMs)),
    peakWindowMs: 1000,
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
    spanSec: (Math.max(...events.map((e) => e.doneMs)) - start) / 1000,
  }
}

/**
 * Wave 1: every client refreshes at `t0`. Each client, once it holds its new token, waits for that token's `exp` and
 * refreshes again (wave 2), as an SPA that refreshes on expiry does.
 */
async function storm(url: string, creds: Credential[], s: StormSizes) {
  const run = limiter(s.inFlight)
  const w1: Event[] = []
  const w2: Event[] = []
  const t0 = Date.now()
  const next = await Promise.all(
    creds.map(async (c) => {
      const a = await run(() => refresh(url, c))
      w1.push({ dueMs: t0, doneMs: Date.now(), status: a.outcome })
      const exp = tokenExpMs(a.cred.access)
      if (a.outcome !== 200 || exp === null) return a.cred
      await sleep(Math.max(0, exp - Date.now()))
      const b = await run(() => refresh(url, a.cred))
      w2.push({ dueMs: exp, doneMs: Date.now(), status: b.outcome })
      return b.cred
    }),
  )
  return { creds: next, wave1: stats(w1, s.bucketMs), wave2: stats(w2, s.bucketMs) }
}

/** Every user logged in once (node:http logins, fast-login.ts: 10,000 fetch logins cost the harness as much CPU as
 * the server). */
async function loginAll(server: ServerHandle, names: readonly string[]): Promise<Credential[]> {
  const client = fastLogin(server.url, 'stateless', 32)
  try {
    return await mapLimit([...names], 32, (u) => client.login(u))
  } finally {
    client.close()
  }
}

export async function measureStorm(
  s: StormSizes,
  opts: { serverCpu: number | null; progress?: (line: string) => void },
): Promise<StormCase[]> {
  const dbPath = tempDbPath('auth-lab-storm-')
  let handles: ServerHandle[] = []
  try {
    const app = pickApp('stateless-hs256-none')
    const names = await seedUsers(dbPath, { count: s.users, prefix: 'storm-' })
    const env = { ...app.env, ACCESS_TTL: String(s.accessTtlSec), CLOCK_TOLERANCE: '0' }
    // The first server creates the key file; the second (same DB, same keys directory) starts once it exists.
    // Both start unpinned, and the logins run so (argon2 on the server's thread pool, on both cores): 10,000 logins
    // took 14 s with the server pinned and 9 s unpinned on a quiet machine (through both servers at once also 9 s:
    // their SQLite writes wait on each other). Both are pinned to the server core before the storms.
    const plain = await startServer({ kind: app.kind, env, dbPath, label: 'storm-no-jitter' })
    handles = [plain]
    handles.push(
      ...(await startMany([
        () =>
          startServer({
            kind: app.kind,
            env: { ...env, ACCESS_TTL_JITTER: String(s.jitterSec) },
            dbPath,
            label: 'storm-jitter',
          }),
      ])),
    )
    opts.progress?.(`storm: logging in ${s.users} users`)
    let creds = await loginAll(plain, names)
    for (const h of handles) pinProcess(h.pid, opts.serverCpu)
    const cases: StormCase[] = []
    for (const [k, server] of handles.entries()) {
      const jitterSec = k === 0 ? 0 : s.jitterSec
      opts.progress?.(
        `storm: jitter ${jitterSec}s · ${s.users} refreshes at once, then each again at its token's exp`,
      )
      const r = await storm(server.url, creds, s)
      creds = r.creds
      cases.push({ jitterSec, wave1: r.wave1, wave2: r.wave2 })
    }
    return cases
  } finally {
    await Promise.all(handles.map((h) => h.stop('SIGKILL')))
    rmSync(dirname(dbPath), { recursive: true, force: true })
  }
}
