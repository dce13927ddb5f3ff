import type { ChildProcess } from 'node:child_process'
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { repoRoot } from '@auth-lab/shared'
import { nodeArgsFor } from './bundle.js'
import type { LoadOptions, LoadResult } from './load-types.js'
import type { OpenLoopOptions, OpenLoopResult } from './open-loop.js'
import { pinnedCommand } from './pinning.js'
import { processRegistry } from './process-registry.js'

const WORKER = fileURLToPath(new URL('./load-worker.ts', import.meta.url))

type Reply = { id: number; result?: LoadResult | OpenLoopResult; error?: string } | { ready: true }

/**
 * A long-lived autocannon process (load-worker.ts) that runs one load at a time. Reusing it across the many short
 * runs of an experiment saves a process start per run; it is registered with the process registry like any
 * server, so it dies with the harness.
 */
export class LoadGenerator {
  private nextId = 1
  private readonly pending = new Map<
    number,
    // biome-ignore lint/suspicious/noExplicitAny: one map for both reply kinds; each call narrows its own
    { resolve: (r: any) => void; reject: (e: Error) => void }
  >()
  private closed = false

  private constructor(private readonly child: ChildProcess) {
    child.on('message', (msg: Reply) => {
      if ('ready' in msg) return
      const p = this.pending.get(msg.id)
      if (!p) return
      this.pending.delete(msg.id)
      if (msg.error !== undefined || !msg.result) p.reject(new Error(`load generator: ${msg.error}`))
      else p.resolve(msg.result)
    })
    child.once('exit', (code, signal) => {
      this.closed = true
      for (const p of this.pending.values()) p.reject(new Error(`load generator exited (${code ?? signal})`))
      this.pending.clear()
    })
  }

  /** Starts the generator process, pinned to `cpu` with taskset when given. */
  static async start(opts: { cpu?: number | null } = {}): Promise<LoadGenerator> {
    const [cmd, args] = pinnedCommand(opts.cpu, process.execPath, await nodeArgsFor(WORKER))
    const child = spawn(cmd, args, { cwd: repoRoot(), stdio: ['ignore', 'inherit', 'inherit', 'ipc'] })
    processRegistry.add(child, 'load-generator')
    await new Promise<void>((resolve, reject) => {
      const onMsg = (m: Reply) => {
        if ('ready' in m) {
          child.off('message', onMsg)
          resolve()
        }
      }
      child.on('message', onMsg)
      child.once('exit', (code) => reject(new Error(`load generator exited at start (${code})`)))
      child.once('error', reject)
    })
    return new LoadGenerator(child)
  }

  get pid(): number {
    return this.child.pid ?? -1
  }

  /** Runs one load (warm-up first if asked) and resolves with its result. Runs are serialised by the caller. */
  run(options: LoadOptions): Promise<LoadResult> {
    if (this.closed) return Promise.reject(new Error('load generator is closed'))
    assertLoopback(options.url)
    const id = this.nextId++
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject })
      this.child.send({ id, options })
    })
  }

  /** An open-loop latency run (open-loop.ts) at a fixed offered rate; loopback only, like every load. */
  openLoop(options: OpenLoopOptions): Promise<OpenLoopResult> {
    if (this.closed) return Promise.reject(new Error('load generator is closed'))
    assertLoopback(options.url)
    const id = this.nextId++
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject })
      this.child.send({ id, openLoop: options })
    })
  }

  /**
   * Ends the run in progress early (autocannon's stop(): the run resolves with what it measured so far). For loads
   * whose end depends on an event, e.g. "until the restarted server has been up for 1 s"; durationSec stays the cap.
   */
  stopCurrent(): void {
    if (!this.closed) this.child.send({ stop: true })
  }

  async close(): Promise<void> {
    if (this.closed) return
    this.closed = true
    const exited = new Promise((r) => this.child.once('exit', r))
    this.child.disconnect()
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 3000)
    await exited
    clearTimeout(timer)
  }
}

/** One load in a fresh generator process (for a single long run, e.g. a time series across a restart). */
export async function runLoad(options: LoadOptions, opts: { cpu?: number | null } = {}): Promise<LoadResult> {
  const gen = await LoadGenerator.start(opts)
  try {
    return await gen.run(options)
  } finally {
    await gen.close()
  }
}

/** Loads go to this machine only: 127.0.0.0/8, localhost or [::1]. */
export function assertLoopback(url: string): void {
  const host = new URL(url).hostname
  if (host === 'localhost' || host === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(host)) return
  throw new Error(`refusing to load ${url}: only loopback addresses are allowed`)
}

/** True when the run saw nothing but 2xx: no non-2xx status, no connection error, no timeout. */
export function allOk(r: LoadResult): boolean {
  return r.non2xx === 0 && r.errors === 0 && r.timeouts === 0 && r.ok2xx > 0
}
