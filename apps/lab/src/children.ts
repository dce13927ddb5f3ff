import { type ChildProcess, spawn } from 'node:child_process'
import { resolve } from 'node:path'
import { createInterface } from 'node:readline'
import type { InstanceId, InstanceSpec } from './config.js'

/**
 * The lab's child servers: each instance runs as `node --import tsx apps/<app>/src/server.ts` (not the tsx CLI,
 * whose wrapper turns a slow SIGTERM into a kill), on 127.0.0.1, with the lab origin in ALLOWED_ORIGINS so the
 * apps' cross-site guard accepts the proxied browser requests. Stopped by PID (SIGTERM, SIGKILL after 5 s), so a
 * restart experiment really ends the process: a memory session store or ephemeral keys are lost, SQLite is not.
 */
export interface InstanceStatus {
  id: InstanceId
  app: InstanceSpec['app']
  prefix: string
  port: number
  pid: number | null
  startedAt: number | null
  /** The env the running process got (the experiment knobs, never secrets: the lab passes none). */
  env: Record<string, string>
}

export interface ChildServersOptions {
  root: string
  dbPath: string
  /** Origins the browser uses for the lab front (added to each app's ALLOWED_ORIGINS). */
  labOrigins: string[]
  /** Env shared by every child (e.g. cheap argon2 in tests, JWT_KEYS_DIR). */
  baseEnv?: Record<string, string>
  log?: (id: InstanceId, line: string) => void
  /** Node arguments that run a server entry (absolute path); default `--import tsx <entry>`. The bench passes its
   * bundled launcher, which starts the same sources with a third of the start-up CPU. */
  nodeArgs?: (entry: string) => Promise<string[]>
}

interface Running {
  spec: InstanceSpec
  env: Record<string, string>
  child: ChildProcess | null
  startedAt: number | null
}

export class ChildServers {
  private readonly running = new Map<InstanceId, Running>()

  constructor(
    specs: readonly InstanceSpec[],
    private readonly opts: ChildServersOptions,
  ) {
    for (const spec of specs)
      this.running.set(spec.id, { spec, env: { ...spec.env }, child: null, startedAt: null })
  }

  specs(): InstanceSpec[] {
    return [...this.running.values()].map((r) => r.spec)
  }

  spec(id: string): InstanceSpec | undefined {
    return this.running.get(id as InstanceId)?.spec
  }

  status(): InstanceStatus[] {
    return [...this.running.values()].map((r) => ({
      id: r.spec.id,
      app: r.spec.app,
      prefix: r.spec.prefix,
      port: r.spec.port,
      pid: r.child?.pid ?? null,
      startedAt: r.startedAt,
      env: { ...r.env },
    }))
  }

  async startAll(): Promise<void> {
    await Promise.all([...this.running.keys()].map((id) => this.start(id)))
  }

  /** Starts one instance (with `overrides` merged into its env) and resolves once /health answers. */
  async start(id: InstanceId, overrides: Record<string, string> = {}): Promise<void> {
    const r = this.get(id)
    if (r.child) throw new Error(`${id} is already running`)
    r.env = { ...r.env, ...overrides }
    const { spec } = r
    const origins = [
      ...this.opts.labOrigins,
      `http://localhost:${spec.port}`,
      `http://127.0.0.1:${spec.port}`,
    ]
    const entry = resolve(this.opts.root, `apps/${spec.app}/src/server.ts`)
    const args = this.opts.nodeArgs ? await this.opts.nodeArgs(entry) : ['--import', 'tsx', entry]
    const child = spawn(process.execPath, args, {
      cwd: this.opts.root,
      env: {
        ...process.env,
        ...this.opts.baseEnv,
        ...r.env,
        PORT: String(spec.port),
        HOST: '127.0.0.1',
        DB_PATH: this.opts.dbPath,
        INSTANCE_ID: spec.id,
        ALLOWED_ORIGINS: origins.join(','),
        // The apps' own pages link back to the lab where it really runs.
        ...(this.opts.labOrigins[0] ? { LAB_URL: this.opts.labOrigins[0] } : {}),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    r.child = child
    r.startedAt = Date.now()
    for (const stream of [child.stdout, child.stderr]) {
      if (stream) createInterface({ input: stream }).on('line', (line) => this.opts.log?.(id, line))
    }
    child.once('exit', () => {
      if (r.child === child) {
        r.child = null
        r.startedAt = null
      }
    })
    await waitHealthy(spec.port, spec.id, child)
  }

  /** SIGTERM by PID, SIGKILL if still alive after 5 s; resolves when the process is gone. */
  async stop(id: InstanceId): Promise<void> {
    const r = this.get(id)
    const child = r.child
    if (!child || child.exitCode !== null || child.signalCode !== null) {
      r.child = null
      return
    }
    const gone = new Promise<void>((res) => child.once('exit', () => res()))
    if (child.pid) process.kill(child.pid, 'SIGTERM')
    const timer = setTimeout(() => {
      if (child.pid && child.exitCode === null) process.kill(child.pid, 'SIGKILL')
    }, 5000)
    await gone
    clearTimeout(timer)
    r.child = null
  }

  async restart(id: InstanceId, overrides: Record<string, string> = {}): Promise<void> {
    await this.stop(id)
    await this.start(id, overrides)
  }

  async stopAll(): Promise<void> {
    await Promise.all([...this.running.keys()].map((id) => this.stop(id)))
  }

  private get(id: InstanceId): Running {
    const r = this.running.get(id)
    if (!r) throw new Error(`unknown instance ${id}`)
    return r
  }
}

async function waitHealthy(port: number, id: string, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + 30_000
  let exited = false
  child.once('exit', () => {
    exited = true
  })
  while (Date.now() < deadline) {
    if (exited) throw new Error(`the server on port ${port} exited during start`)
    try {
      const res = await fetch(`http://127.0.0.1:${port}/health`)
      // The instance id must match: a stale server left on the port would otherwise pass for ours.
      if (res.ok && ((await res.json()) as { instance?: string }).instance === id) return
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100))
  }
  throw new Error(`the server on port ${port} did not answer /health within 30 s`)
}
