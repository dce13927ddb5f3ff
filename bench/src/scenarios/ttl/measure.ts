/**
 * Access-token TTL sweep (claim C8 "a short access TTL limits theft damage but costs refreshes"), the measuring half.
 *
 * 10,000 active users each refresh once per ACCESS_TTL, so the fleet sends 10,000 / TTL refreshes per second. For
 * each TTL the harness sends exactly that rate (open loop: one refresh every 1/rate s, each user's chain rotating in
 * turn) for a short window against a real stateless server (HS256, REVOCATION=none: the refresh itself, no
 * per-request check), and reads the server's CPU from /proc before and after, as the overhead experiment does. An
 * idle window of the same length gives the baseline the timers cost. What a refresh does does not depend on the TTL
 * (rotate one row, sign one token), so one server serves every rate. The exposure of a stolen access token under
 * REVOCATION=none is its lifetime: ACCESS_TTL + CLOCK_TOLERANCE (the revocation experiment measures that window).
 */
import { rmSync } from 'node:fs'
import { dirname } from 'node:path'
import type { Credential } from '../../lib/client.js'
import { loginUsers, refresh } from '../../lib/client.js'
import { pickApp } from '../../lib/configs.js'
import type { ServerHandle } from '../../lib/processes.js'
import { sleep, startServer, tempDbPath } from '../../lib/processes.js'
import { percentile } from '../../lib/quantile.js'
import { seedUsers } from '../../lib/users.js'
import type { RunOptions } from '../../report/schema.js'

export const ACTIVE_USERS = 10_000
/** The default CLOCK_TOLERANCE: a stolen token is accepted this long past its exp. */
export const CLOCK_TOLERANCE_SEC = 5

export interface TtlSizes {
  ttlsSec: readonly number[]
  /** Seconds each rate runs. */
  windowSec: number
  /** Users whose refresh chains carry the load (each refreshes at most once per users/rate s). */
  users: number
}

export function ttlSizes(options: Pick<RunOptions, 'quick'>): TtlSizes {
  return options.quick
    ? { ttlsSec: [30, 300, 3600], windowSec: 1.5, users: 120 }
    : // 3 s windows (was 5, then 4): the refresh rates are fixed by the scheduler, the CPU per refresh is read over
      // 8–1,000 refreshes a window (the long TTLs' CPU stays below the 10 ms tick either way, and the report says
      // so), and the idle baseline is read over the same length.
      { ttlsSec: [30, 60, 300, 900, 3600], windowSec: 3, users: 300 }
}

export function ttlEstimateSec(s: TtlSizes): number {
  // A start from the bundle (~1 s), the logins, the warm-up, the idle baseline and one window per TTL.
  return 2 + s.users * 0.01 + (s.ttlsSec.length + 1) * (s.windowSec + 0.3)
}

export interface TtlPoint {
  ttlSec: number
  /** 10,000 / TTL. */
  targetRps: number
  sent: number
  /** Refreshes due while every user's chain was still waiting for its previous answer (not sent). */
  skipped: number
  ok: number
  failed: number
  windowSec: number
  /** Server CPU over the window, µs (all threads). */
  cpuUs: number
  /** Per-request latency of the refreshes, ms. */
  p50Ms: number | null
  p99Ms: number | null
}

export interface TtlMeasurement {
  points: TtlPoint[]
  /** Server CPU of an idle window of the same length, µs. */
  idleCpuUs: number
  idleWindowSec: number
}

async function runRate(server: ServerHandle, creds: Credential[], rate: number, windowSec: number) {
  const free = [...creds.keys()]
  const latencies: number[] = []
  let ok = 0
  let failed = 0
  let sent = 0
  let skipped = 0
  const inFlight: Promise<void>[] = []
  const cpu0 = server.cpuTimes().totalUs
  const t0 = performance.now()
  const total = Math.max(1, Math.round(rate * windowSec))
  for (let i = 0; i < total; i++) {
    const due = t0 + (i * 1000) / rate
    const wait = due - performance.now()
    if (wait > 1) await sleep(wait)
    const idx = free.shift()
    if (idx === undefined) {
      skipped++ // every chain has a refresh in flight: the server is not keeping up with this rate
      continue
    }
    sent++
    const start = performance.now()
    inFlight.push(
      refresh(server.url, creds[idx] as Credential).then((r) => {
        latencies.push(performance.now() - start)
        if (r.outcome === 200) ok++
        else failed++
        creds[idx] = r.cred
        free.push(idx)
      }),
    )
  }
  await Promise.all(inFlight)
  const elapsed = Math.max(windowSec, (performance.now() - t0) / 1000)
  const cpuUs = server.cpuTimes().totalUs - cpu0
  latencies.sort((a, b) => a - b)
  return { sent, skipped, ok, failed, windowSec: elapsed, cpuUs, latencies }
}

export async function measureTtl(
  s: TtlSizes,
  opts: { serverCpu: number | null; progress?: (line: string) => void },
): Promise<TtlMeasurement> {
  const dbPath = tempDbPath('auth-lab-ttl-')
  let server: ServerHandle | undefined
  try {
    const app = pickApp('stateless-hs256-none')
    const names = await seedUsers(dbPath, { count: s.users, prefix: 'ttl-' })
    server = await startServer({
      kind: app.kind,
      env: { ...app.env, ACCESS_TTL: '3600' },
      dbPath,
      label: 'ttl',
      cpu: opts.serverCpu,
      healthTimeoutMs: 60_000,
    })
    opts.progress?.(`ttl: logging in ${s.users} users`)
    const creds = await loginUsers(server.url, 'stateless', names)
    // Warm-up (JIT, SQLite pages) at the highest rate, thrown away.
    await runRate(server, creds, ACTIVE_USERS / Math.min(...s.ttlsSec), Math.min(1, s.windowSec))
    opts.progress?.(`ttl: idle baseline ${s.windowSec}s`)
    const idle0 = server.cpuTimes().totalUs
    const i0 = performance.now()
    await sleep(s.windowSec * 1000)
    const idleCpuUs = server.cpuTimes().totalUs - idle0
    const idleWindowSec = (performance.now() - i0) / 1000
    const points: TtlPoint[] = []
    for (const ttlSec of s.ttlsSec) {
      const targetRps = ACTIVE_USERS / ttlSec
      opts.progress?.(`ttl: ACCESS_TTL ${ttlSec}s → ${targetRps.toFixed(1)} refreshes/s for ${s.windowSec}s`)
      const r = await runRate(server, creds, targetRps, s.windowSec)
      points.push({
        ttlSec,
        targetRps,
        sent: r.sent,
        skipped: r.skipped,
        ok: r.ok,
        failed: r.failed,
        windowSec: r.windowSec,
        cpuUs: r.cpuUs,
        p50Ms: percentile(r.latencies, 50),
        p99Ms: percentile(r.latencies, 99),
      })
    }
    return { points, idleCpuUs, idleWindowSec }
  } finally {
    await server?.stop('SIGKILL')
    rmSync(dirname(dbPath), { recursive: true, force: true })
  }
}
