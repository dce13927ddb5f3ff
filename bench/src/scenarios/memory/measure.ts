/**
 * Memory experiment (claim C13: "sessions cost server memory per user; JWTs cost none"), the measuring half;
 * report.ts turns the numbers into a report section.
 *
 * One server per configuration; users are seeded in its DB, then logged in through real POST /auth/login requests
 * (cheap argon2 via env so tens of thousands of logins fit in the time bound) up to each checkpoint. At every
 * checkpoint the server runs a full garbage collection (gc-on-signal.cjs, preloaded only here, triggered by
 * SIGUSR2), then we read the V8 heap in use from its /metrics (prom-client's nodejs_heap_size_used_bytes) and the
 * process's RSS (/proc/<pid>/status). The stateful memory store keeps each session in the process; the stateless app
 * keeps refresh-token rows in SQLite (on disk, plus SQLite's bounded page cache).
 * Filling is bounded by `budgetMs` per configuration: if logins are too slow on this machine, the last checkpoint is
 * the number actually reached, and the report says so.
 */
import { rmSync } from 'node:fs'
import { dirname } from 'node:path'
import { fileURLToPath } from 'node:url'
import { mapLimit } from '../../lib/client.js'
import { type ConfigId, pickApp } from '../../lib/configs.js'
import { fastLogin } from '../../lib/fast-login.js'
import { fetchMetrics, parsePrometheus } from '../../lib/metrics-scrape.js'
import type { ServerHandle } from '../../lib/processes.js'
import { removeTempDb, startServer, tempDbPath } from '../../lib/processes.js'
import { seedUsers } from '../../lib/users.js'
import type { RunOptions } from '../../report/schema.js'

export type MemoryConfigId = 'stateful-memory' | 'stateful-sqlite' | 'stateless'

/** What this experiment compares (the report's names), the server configuration of each, and what grows. */
export const MEMORY_CONFIGS: readonly { id: MemoryConfigId; config: ConfigId; holds: string }[] = [
  { id: 'stateful-memory', config: 'stateful-memory', holds: 'one session object per login in a Map' },
  { id: 'stateful-sqlite', config: 'stateful-sqlite', holds: 'session rows in the SQLite file' },
  { id: 'stateless', config: 'stateless-hs256-denylist', holds: 'refresh-token rows in the SQLite file' },
]

export interface MemorySizes {
  checkpoints: number[]
  configs: MemoryConfigId[]
  concurrency: number
  budgetMs: number
  settleMs: number
}

export function memorySizes(options: Pick<RunOptions, 'quick'>): MemorySizes {
  return options.quick
    ? {
        checkpoints: [0, 1000, 3000],
        configs: ['stateful-memory', 'stateless'],
        concurrency: 16,
        budgetMs: 12_000,
        settleMs: 300,
      }
    : {
        // 16,000 (was 50,000, 30,000, then 25,000, which took 32–36 s of the 45 s budget side by side): the slope is
        // read over the 10,000 sessions between the two last readings, which resolves ±210 B per session against 2 MiB
        // of heap noise — the memory store's 446–624 B per session in the runs on record (with its per-user index)
        // stand 2–3× clear of it. ~12 s off the full run (issue 14).
        checkpoints: [0, 6_000, 16_000],
        configs: ['stateful-memory', 'stateless'],
        concurrency: 16,
        budgetMs: 30_000,
        settleMs: 500,
      }
}

/**
 * Cost for the runner's estimate: the configurations fill side by side, each login costing the machine ~1.3 ms of
 * CPU (server ~1 ms, harness ~0.3 ms) on 2 cores, plus a start and the settle pauses; never more than the budget.
 */
export function memoryEstimateSec(s: MemorySizes): number {
  const logins = s.configs.length * Math.max(...s.checkpoints)
  const fill = Math.min(s.budgetMs / 1000, (logins * 1.3) / 1000 / 2)
  // × 1.25: measured 27–31 s full and 11–13 s quick against 25 / 8 s from the formula alone (runs L5, M2, Q10, Q12).
  return 1.25 * (3 + fill + (s.checkpoints.length * s.settleMs) / 1000)
}

export interface MemoryMeasureOptions {
  configs: readonly MemoryConfigId[]
  /** Active sessions (logins) at which to measure, ascending; the first is usually 0. */
  checkpoints: readonly number[]
  concurrency: number
  /** Pause after the forced GC before reading. */
  settleMs: number
  /** Most ms of logins per configuration; filling stops there and the reached count is reported. */
  budgetMs: number
  serverCpu?: number | null
  progress?: (line: string) => void
}

export interface MemoryPoint {
  config: MemoryConfigId
  sessions: number
  rssBytes: number
  heapUsedBytes: number | null
  /** Logins per second reached while filling up to this checkpoint (null for the first). */
  loginsPerSec: number | null
  /** The checkpoint asked for; `sessions` is lower when the time budget ran out. */
  target: number
}

const GC_PRELOAD = fileURLToPath(new URL('./gc-on-signal.cjs', import.meta.url))

async function heapUsed(url: string): Promise<number | null> {
  try {
    const res = await fetchMetrics(url)
    const sample = parsePrometheus(await res.text()).find((s) => s.name === 'nodejs_heap_size_used_bytes')
    return sample?.value ?? null
  } catch {
    return null
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/** The server is gone: say how it ended and what it printed last, not just that /proc/<pid> is missing. */
function serverGone(srv: ServerHandle, when: string): Error {
  const tail = srv.output().split('\n').slice(-12).join('\n')
  return new Error(
    `${srv.label} (pid ${srv.pid}) is not running ${when}${tail ? `; its last output:\n${tail}` : ' (no output)'}`,
  )
}

async function measureConfig(
  cfg: (typeof MEMORY_CONFIGS)[number],
  opts: MemoryMeasureOptions,
  estimateLeft: () => string,
  aborted: () => boolean,
): Promise<MemoryPoint[]> {
  const app = pickApp(cfg.config)
  const max = Math.max(...opts.checkpoints)
  const dbPath = tempDbPath('auth-lab-memory-')
  // Seeded before the try below: a failed seed removes the directory itself.
  const usernames = await seedUsers(dbPath, { count: Math.max(1, max), prefix: 'mem-' }).catch(
    (err: unknown) => {
      removeTempDb(dbPath)
      throw err
    },
  )
  let server: ServerHandle | undefined
  const points: MemoryPoint[] = []
  try {
    const nodeOptions = [process.env.NODE_OPTIONS, `--require ${GC_PRELOAD}`].filter(Boolean).join(' ')
    server = await startServer({
      kind: app.kind,
      env: { ...app.env, NODE_OPTIONS: nodeOptions },
      dbPath,
      label: `memory-${cfg.id}`,
      cpu: opts.serverCpu,
      healthTimeoutMs: 60_000,
    })
    const srv = server
    // Touch the routes once so the 0-session reading is a served process, not a freshly started one.
    for (const path of ['/public', '/me', '/health']) await (await fetch(`${srv.url}${path}`)).arrayBuffer()
    let done = 0
    const deadline = Date.now() + opts.budgetMs
    for (const target of opts.checkpoints) {
      let loginsPerSec: number | null = null
      if (target > done && Date.now() < deadline) {
        opts.progress?.(`memory: ${cfg.id}: logging in up to ${target} sessions${estimateLeft()}`)
        const t0 = performance.now()
        const from = done
        const client = fastLogin(srv.url, app.kind, opts.concurrency)
        try {
          await mapLimit(usernames.slice(from, target), opts.concurrency, async (u) => {
            if (Date.now() >= deadline) return // out of budget: stop filling, report what was reached
            if (aborted()) return // another configuration failed: the experiment is over
            await client.login(u)
            done++
          })
        } finally {
          client.close()
        }
        loginsPerSec = (done - from) / ((performance.now() - t0) / 1000)
      }
      if (aborted()) break
      if (points.at(-1)?.sessions === done) continue // budget ran out before this checkpoint added anything
      if (!srv.running) throw serverGone(srv, `before the reading at ${done} sessions`)
      process.kill(srv.pid, 'SIGUSR2')
      await sleep(opts.settleMs)
      if (!srv.running) throw serverGone(srv, `after its forced GC (SIGUSR2) at ${done} sessions`)
      points.push({
        config: cfg.id,
        sessions: done,
        target,
        rssBytes: srv.rssBytes(),
        heapUsedBytes: await heapUsed(srv.url),
        loginsPerSec,
      })
    }
  } finally {
    await server?.stop('SIGKILL')
    rmSync(dirname(dbPath), { recursive: true, force: true })
  }
  return points
}

/**
 * Every configuration fills at the same time, each in its own server: what is read (a process's own heap and RSS
 * after its own full GC) does not depend on what else runs, and on 2 cores one server alone cannot use both.
 */
export async function measureMemory(opts: MemoryMeasureOptions): Promise<MemoryPoint[]> {
  const configs = MEMORY_CONFIGS.filter((c) => opts.configs.includes(c.id))
  // One configuration failing ends the experiment: the others stop filling and are waited for, so no login loop
  // outlives the scenario into the next one (Promise.all would reject at once and leave them running).
  let failed = false
  const each = await Promise.allSettled(
    configs.map((cfg) =>
      measureConfig(
        cfg,
        opts,
        () => ` (${configs.length} configurations side by side)`,
        () => failed,
      ).catch((err: unknown) => {
        failed = true
        throw err
      }),
    ),
  )
  const rejected = each.find((r) => r.status === 'rejected')
  if (rejected) throw rejected.reason
  return each.flatMap((r) => (r.status === 'fulfilled' ? r.value : []))
}

/**
 * Bytes per session as the slope between two readings: from the first reading with sessions (when there are at
 * least two such readings) to the last. Starting after the 0-session reading leaves out what the first logins
 * warm up once per process (compiled code, caches, pools), which is not per-session state.
 */
export function bytesPerSession(
  points: readonly MemoryPoint[],
  pick: (p: MemoryPoint) => number | null,
): number | null {
  const withSessions = points.filter((p) => p.sessions > 0)
  const first = withSessions.length >= 2 ? withSessions[0] : points[0]
  const last = points.at(-1)
  if (!first || !last || last.sessions <= first.sessions) return null
  const a = pick(first)
  const b = pick(last)
  if (a === null || b === null) return null
  return (b - a) / (last.sessions - first.sessions)
}
