import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type Fixtures, seedFixtures } from './fixtures.js'
import { freePort } from './ports.js'
import { killPid, register } from './processes.js'
import { REPO_ROOT } from './repo.js'

export type AppName = 'stateful' | 'stateless'

/** Node arguments that run a server entry (absolute path): tsx's loader unless a caller installs another launcher. */
export type ServerLauncher = (entry: string) => Promise<string[]>

let launcher: ServerLauncher = async (entry) => ['--import', 'tsx', entry]

/**
 * Replaces how servers are launched for the rest of the process. The bench's attacks scenario installs its bundled
 * launcher (bench/src/lib/bundle.ts: same code, a third of the start-up CPU); the vitest suites keep tsx.
 */
export function useServerLauncher(next: ServerLauncher): void {
  launcher = next
}

export interface StartOptions {
  app: AppName
  /** Extra env for the server (timers, JWT_ALG, COOKIE_SECURE, throttle limits, …). */
  env?: Record<string, string>
  /** Argon2 cost for the server and the seeded hashes: cheap (256 KiB, t=1) unless timing is the point. */
  cost?: 'cheap' | 'real'
  /** Seed the fixture users first (default true). */
  seed?: boolean
  victims?: number
  startTimeoutMs?: number
}

export interface AppServer {
  app: AppName
  port: number
  url: string
  /** The origin the server allows by default (same-origin requests send it). */
  origin: string
  pid: number
  dir: string
  dbPath: string
  keysDir: string
  env: Record<string, string>
  fixtures: Fixtures
  output(): string
  /** Graceful stop (SIGTERM, then SIGKILL after 3 s) and removal of the temp dir. */
  stop(): Promise<void>
}

/** The servers' METRICS_TOKEN: /metrics answers only `Authorization: Bearer <it>` (issue 10, F9). */
export const METRICS_TOKEN = 'attack-suite-metrics-token-5d1c7e'
export const METRICS_AUTH = { authorization: `Bearer ${METRICS_TOKEN}` }

/** Cheap argon2 for everything except the login-timing check (stated wherever it is used). */
export const CHEAP_ARGON2 = { ARGON2_MEMORY_KIB: '256', ARGON2_TIME_COST: '1' }

/**
 * Starts `apps/<app>/src/server.ts` through tsx's loader from the repo root as a child process on a free
 * 127.0.0.1 port, with a temporary DB_PATH (and JWT_KEYS_DIR beside it), after seeding the fixture users into that
 * file. Resolves once `GET /health` answers 200.
 */
export async function startApp(opts: StartOptions): Promise<AppServer> {
  const dir = mkdtempSync(join(tmpdir(), `auth-lab-${opts.app}-`))
  try {
    return await startAppIn(dir, opts)
  } catch (err) {
    rmSync(dir, { recursive: true, force: true }) // the caller gets no handle to stop
    throw err
  }
}

async function startAppIn(dir: string, opts: StartOptions): Promise<AppServer> {
  const dbPath = join(dir, 'auth-lab.db')
  const keysDir = join(dir, 'keys')
  const cost = opts.cost ?? 'cheap'
  const fixtures =
    opts.seed === false
      ? { users: {} as Fixtures['users'], victims: [] }
      : await seedFixtures(dbPath, { cost, victims: opts.victims })
  const port = await freePort()
  const env: Record<string, string> = {
    PORT: String(port),
    HOST: '127.0.0.1',
    DB_PATH: dbPath,
    JWT_KEYS_DIR: keysDir,
    // Unique across vitest's worker processes too: waitHealthy checks that /health answers as THIS server.
    INSTANCE_ID: `${opts.app}-test-${port}-${process.pid}`,
    METRICS_TOKEN,
    ...(cost === 'cheap' ? CHEAP_ARGON2 : {}),
    ...opts.env,
  }
  const child = await spawnServer(opts.app, env)
  const out: string[] = []
  const collect = (b: Buffer) => {
    if (out.join('').length < 64_000) out.push(b.toString())
  }
  child.stdout?.on('data', collect)
  child.stderr?.on('data', collect)
  const url = `http://127.0.0.1:${port}`
  const stop = async () => {
    await stopChild(child)
    rmSync(dir, { recursive: true, force: true })
  }
  try {
    await waitHealthy(url, child, opts.startTimeoutMs ?? 30_000, () => out.join(''), env.INSTANCE_ID)
  } catch (err) {
    await stop()
    throw err
  }
  return {
    app: opts.app,
    port,
    url,
    origin: url,
    pid: child.pid ?? -1,
    dir,
    dbPath,
    keysDir,
    env,
    fixtures,
    output: () => out.join(''),
    stop,
  }
}

/** Starts a server that is expected to refuse to start; resolves with how it ended (or that it listened). */
export async function startExpectingFailure(
  app: AppName,
  extraEnv: Record<string, string>,
  timeoutMs = 20_000,
): Promise<{ exitCode: number | null; listened: boolean; output: string }> {
  const dir = mkdtempSync(join(tmpdir(), `auth-lab-${app}-fail-`))
  const port = await freePort()
  const env = {
    PORT: String(port),
    HOST: '127.0.0.1',
    DB_PATH: join(dir, 'auth-lab.db'),
    JWT_KEYS_DIR: join(dir, 'keys'),
    ...CHEAP_ARGON2,
    ...extraEnv,
  }
  const child = await spawnServer(app, env)
  let output = ''
  child.stdout?.on('data', (b: Buffer) => {
    output += b.toString()
  })
  child.stderr?.on('data', (b: Buffer) => {
    output += b.toString()
  })
  const exitCode = await new Promise<number | null>((resolve) => {
    const timer = setTimeout(() => resolve(null), timeoutMs)
    child.once('exit', (code) => {
      clearTimeout(timer)
      resolve(code ?? -1)
    })
  })
  const listened = /listening on/.test(output)
  if (exitCode === null) await stopChild(child)
  rmSync(dir, { recursive: true, force: true })
  return { exitCode, listened, output }
}

async function spawnServer(app: AppName, env: Record<string, string>): Promise<ChildProcess> {
  // `node --import tsx <entry>` rather than the tsx CLI: the CLI runs the server in a second process, so its PID
  // would be the wrapper's and a SIGKILL would orphan the real server.
  const args = await launcher(join(REPO_ROOT, `apps/${app}/src/server.ts`))
  const child = spawn(process.execPath, args, {
    cwd: REPO_ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', NODE_ENV: 'test', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  register(child)
  return child
}

async function waitHealthy(
  url: string,
  child: ChildProcess,
  timeoutMs: number,
  output: () => string,
  instance?: string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(`server exited with ${child.exitCode} before answering /health:\n${output()}`)
    }
    let other: string | null = null
    try {
      const res = await fetch(`${url}/health`, { signal: AbortSignal.timeout(1000) })
      const body = (await res.json().catch(() => null)) as { instance?: unknown } | null
      if (res.status === 200 && (instance === undefined || body?.instance === instance)) return
      if (res.status === 200) other = String(body?.instance)
    } catch {
      // not listening yet
    }
    // Another server holds the port (freePort's race with another process): ours cannot bind it. Say so, rather
    // than run the test against someone else's server.
    if (other !== null)
      throw new Error(`${url} is held by another server (/health answered as ${other}, not ${instance})`)
    await new Promise((r) => setTimeout(r, 100))
  }
  throw new Error(`server did not answer /health within ${timeoutMs} ms:\n${output()}`)
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  process.kill(child.pid, 'SIGTERM')
  const timer = setTimeout(() => {
    if (child.exitCode === null && child.pid !== undefined) killPid(child.pid, 'SIGKILL')
  }, 3000)
  await exited
  clearTimeout(timer)
}
