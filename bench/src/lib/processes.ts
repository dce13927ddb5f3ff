import type { ChildProcess } from 'node:child_process'
import { spawn } from 'node:child_process'
import { dirname, join } from 'node:path'
import { repoRoot } from '@auth-lab/shared'
import { nodeArgsFor } from './bundle.js'
import { BENCH_METRICS_TOKEN } from './metrics-scrape.js'
import { pinProcess } from './pinning.js'
import { freePort } from './ports.js'
import type { CpuTimes } from './proc-stats.js'
import { readCpuTimes, readRssBytes } from './proc-stats.js'
import { processRegistry } from './process-registry.js'
import { makeTempDir, removeTempDir } from './temp-dirs.js'

export type ServerKind = 'stateful' | 'stateless' | 'floor'

/** Entry files, relative to the repo root; run from a bundle built once per harness process (bundle.ts). */
export const SERVER_ENTRIES: Record<ServerKind, string> = {
  stateful: 'apps/stateful/src/server.ts',
  stateless: 'apps/stateless/src/server.ts',
  floor: 'bench/src/floor/server.ts',
}

export interface StartServerOptions {
  kind: ServerKind
  /** Extra env (SESSION_STORE, JWT_ALG, REVOCATION, …); merged over the harness defaults below. */
  env?: Record<string, string>
  /** Defaults to a fresh temp dir's `auth-lab.db` (removed on stop when the harness created it). */
  dbPath?: string
  /** Defaults to a free port on 127.0.0.1. */
  port?: number
  /** Pin the server (all its threads, also ones made later) to this core once healthy; null/undefined = not pinned. */
  cpu?: number | null
  /** A label for progress and error messages (default: kind). */
  label?: string
  /** How long to wait for GET /health (default 30 s: a start takes ~0.5 s idle, far longer on a loaded machine). */
  healthTimeoutMs?: number
}

export interface ExitInfo {
  code: number | null
  signal: NodeJS.Signals | null
}

export interface ServerHandle {
  readonly kind: ServerKind
  readonly label: string
  /** PID of the server process itself (node; taskset execs, tsx's loader runs in-process). Changes on restart. */
  readonly pid: number
  readonly port: number
  /** http://127.0.0.1:<port> */
  readonly url: string
  readonly env: Readonly<Record<string, string>>
  readonly dbPath: string
  /** Whether the process is running. */
  readonly running: boolean
  /** Sends `signal` (default SIGTERM) and waits for the exit; escalates to SIGKILL after `timeoutMs` (5 s). */
  stop(signal?: NodeJS.Signals, timeoutMs?: number): Promise<ExitInfo>
  /** SIGKILL (a crash) and wait for the exit. */
  kill(): Promise<ExitInfo>
  /**
   * Stops with `signal` (SIGTERM graceful, SIGKILL crash), starts again on the same port with the same env and DB,
   * and waits for /health. `readyMs` = from the old process's exit to the first 200 on /health.
   */
  restart(signal?: NodeJS.Signals): Promise<{ exit: ExitInfo; readyMs: number }>
  /** CPU used so far by the server process (all threads), from /proc/<pid>/stat. */
  cpuTimes(): CpuTimes
  rssBytes(): number
  /** The last lines the server printed (stdout and stderr), for error messages. */
  output(): string
}

/** Env every benchmarked server gets unless overridden: loopback, logging off, cheap argon2 (logins only). */
export function defaultServerEnv(port: number, dbPath: string, label: string): Record<string, string> {
  return {
    PORT: String(port),
    HOST: '127.0.0.1',
    DB_PATH: dbPath,
    INSTANCE_ID: label,
    LOG_REQUESTS: '0',
    METRICS_TOKEN: BENCH_METRICS_TOKEN,
    // argon2 only runs at login, which the benchmarks do before measuring; cheap cost keeps setup fast.
    ARGON2_MEMORY_KIB: '256',
    ARGON2_TIME_COST: '1',
  }
}

/** The harness's own environment minus test-runner variables, so servers behave the same under vitest and the CLI. */
function baseEnv(): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [k, v] of Object.entries(process.env)) {
    if (v === undefined || k.startsWith('VITEST') || k === 'NODE_ENV' || k === 'TEST') continue
    out[k] = v
  }
  return out
}

/**
 * A fresh temp directory for one server's DB (and, for the stateless app, its keys). The caller removes it with
 * `removeTempDb` in a `finally`; whatever is left when the harness exits is removed then (temp-dirs.ts).
 */
export function tempDbPath(prefix = 'auth-lab-bench-'): string {
  return join(makeTempDir(prefix), 'auth-lab.db')
}

/** Removes the directory `tempDbPath` made for `dbPath` (the DB, -wal, -shm, keys, seed files). */
export function removeTempDb(dbPath: string): void {
  removeTempDir(dirname(dbPath))
}

/**
 * Starts a server as a child process — `node <bundle.mjs>` (bundle.ts; or `node --import tsx <entry>` with
 * BENCH_BUNDLE=0), never the tsx CLI, because the CLI runs the program in a second child: its PID would measure the
 * wrong process's CPU, and SIGKILL would orphan the real server. Waits until GET /health answers 200.
 */
export async function startServer(opts: StartServerOptions): Promise<ServerHandle> {
  const label = opts.label ?? opts.kind
  const ownDb = opts.dbPath === undefined
  const dbPath = opts.dbPath ?? tempDbPath()
  const port = opts.port ?? (await freePort())
  const env = { ...defaultServerEnv(port, dbPath, label), ...opts.env }
  const url = `http://127.0.0.1:${port}`
  const root = repoRoot()
  const nodeArgs = await nodeArgsFor(join(root, SERVER_ENTRIES[opts.kind]))
  const lines: string[] = []
  let child: ChildProcess
  let exitInfo: ExitInfo | null = null
  let exited: Promise<ExitInfo>

  const launch = () => {
    exitInfo = null
    child = spawn(process.execPath, nodeArgs, {
      cwd: root,
      env: { ...baseEnv(), ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    processRegistry.add(child, label)
    const keep = (buf: Buffer) => {
      for (const line of buf.toString('utf8').split('\n')) if (line.trim()) lines.push(line)
      if (lines.length > 80) lines.splice(0, lines.length - 80)
    }
    child.stdout?.on('data', keep)
    child.stderr?.on('data', keep)
    const c = child
    exited = new Promise<ExitInfo>((resolve) => {
      c.once('exit', (code, signal) => {
        exitInfo = { code, signal }
        resolve(exitInfo)
      })
    })
  }

  // Pinned only once healthy (all threads, `taskset -a -cp`), so start-up can use every core.
  const waitHealthy = async () => {
    await pollHealth()
    if (opts.cpu !== null && opts.cpu !== undefined && child.pid !== undefined)
      pinProcess(child.pid, opts.cpu)
  }

  const pollHealth = async () => {
    const deadline = Date.now() + (opts.healthTimeoutMs ?? 30_000)
    while (Date.now() < deadline) {
      if (exitInfo) {
        throw new Error(
          `${label} exited (${JSON.stringify(exitInfo)}) before /health answered:\n${lines.join('\n')}`,
        )
      }
      let other: string | null = null
      try {
        const res = await fetch(`${url}/health`, { signal: AbortSignal.timeout(1000) })
        const body = (await res.json().catch(() => null)) as { instance?: unknown } | null
        if (res.status === 200 && body?.instance === env.INSTANCE_ID) return
        if (res.status === 200) other = String(body?.instance)
      } catch {
        // not listening yet
      }
      // Another server answers on our port: ours cannot bind it and will exit; say so instead of measuring that one.
      if (other !== null)
        throw new Error(
          `${label}: port ${port} is held by another server (/health answered as instance ${other}, not ${env.INSTANCE_ID})`,
        )
      await sleep(40)
    }
    throw new Error(
      `${label} did not answer /health within ${opts.healthTimeoutMs ?? 30_000} ms:\n${lines.join('\n')}`,
    )
  }

  const stop = async (signal: NodeJS.Signals = 'SIGTERM', timeoutMs = 5000): Promise<ExitInfo> => {
    if (exitInfo) return exitInfo
    child.kill(signal)
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs)
    try {
      return await exited
    } finally {
      clearTimeout(timer)
    }
  }

  launch()
  try {
    await waitHealthy()
  } catch (err) {
    await stop('SIGKILL')
    if (ownDb) removeTempDb(dbPath)
    throw err
  }

  const handle: ServerHandle = {
    kind: opts.kind,
    label,
    get pid() {
      return child.pid ?? -1
    },
    port,
    url,
    env,
    dbPath,
    get running() {
      return exitInfo === null
    },
    async stop(signal = 'SIGTERM', timeoutMs = 5000) {
      const info = await stop(signal, timeoutMs)
      if (ownDb) removeTempDb(dbPath)
      return info
    },
    kill: () => stop('SIGKILL'),
    async restart(signal = 'SIGTERM') {
      const exit = await stop(signal)
      const t0 = performance.now()
      launch()
      await waitHealthy()
      return { exit, readyMs: performance.now() - t0 }
    },
    cpuTimes: () => readCpuTimes(child.pid ?? -1),
    rssBytes: () => readRssBytes(child.pid ?? -1),
    output: () => lines.join('\n'),
  }
  return handle
}

/** Stops every handle (SIGTERM, SIGKILL after the timeout), in parallel, ignoring ones already stopped. */
export async function stopAll(handles: Iterable<ServerHandle | undefined>): Promise<void> {
  await Promise.all([...handles].map((h) => h?.stop().catch(() => undefined)))
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms))
}
