/**
 * Harness side of the in-process layer: starts one worker process per group (worker.ts, from the run's bundle),
 * builds its app there, then pins it and all its threads to the measuring core (`taskset -a -cp`, as the HTTP layer
 * pins its servers) — the build itself may use both cores. Every worker is in the process registry, so it dies
 * with the harness.
 */
import type { ChildProcess } from 'node:child_process'
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { repoRoot } from '@auth-lab/shared'
import { nodeArgsFor } from '../../../lib/bundle.js'
import { pinProcess } from '../../../lib/pinning.js'
import { readCpuTimes } from '../../../lib/proc-stats.js'
import { processRegistry } from '../../../lib/process-registry.js'
import { makeTempDir, removeTempDir } from '../../../lib/temp-dirs.js'
import type { GroupSpec } from '../variants.js'
import type { LoadedResult, PathResult, SettleResult, WorkerCall, WorkerReply } from './protocol.js'

const WORKER = fileURLToPath(new URL('./worker.ts', import.meta.url))

type Call = WorkerCall extends infer C ? (C extends { id: number } ? Omit<C, 'id'> : never) : never

export class InprocWorker {
  private nextId = 1
  private readonly pending = new Map<number, { resolve: (r: unknown) => void; reject: (e: Error) => void }>()
  private exited = false
  targets: string[] = []
  /** What the settle step ran per path before pinning (empty when not asked for). */
  settled: SettleResult[] = []

  private constructor(
    readonly spec: GroupSpec,
    private readonly child: ChildProcess,
    readonly dir: string,
  ) {
    child.on('message', (msg: WorkerReply) => {
      if ('ready' in msg) return
      const p = this.pending.get(msg.id)
      if (!p) return
      this.pending.delete(msg.id)
      if (msg.error !== undefined) p.reject(new Error(`${spec.id}: ${msg.error}`))
      else p.resolve(msg.result)
    })
    child.once('exit', (code, signal) => {
      this.exited = true
      for (const p of this.pending.values())
        p.reject(new Error(`${spec.id}: worker exited (${code ?? signal})`))
      this.pending.clear()
    })
  }

  /**
   * Starts the worker, builds the group with `users` logged-in users, runs every path until it has settled
   * (`settle`: worker.ts settlePaths), then pins it to `cpu` (when given).
   */
  static async start(
    spec: GroupSpec,
    users: number,
    cpu: number | null,
    settle?: { requests: number; maxMs: number },
  ): Promise<InprocWorker> {
    // The worker's DB (and keys) live here; close() removes it once the worker has exited.
    const dir = makeTempDir(`auth-lab-inprocess-${spec.id}-`)
    let child: ChildProcess
    try {
      child = await spawnWorker(spec)
    } catch (err) {
      removeTempDir(dir) // never started, or exited at start: nothing writes into it any more
      throw err
    }
    const w = new InprocWorker(spec, child, dir)
    try {
      w.targets = (await w.call({ op: 'setup', spec, users, dir })) as string[]
      if (settle) w.settled = (await w.call({ op: 'settle', order: w.targets, ...settle })) as SettleResult[]
      if (cpu !== null && child.pid !== undefined) pinProcess(child.pid, cpu)
      return w
    } catch (err) {
      await w.close()
      throw err
    }
  }

  get pid(): number {
    return this.child.pid ?? -1
  }

  get running(): boolean {
    return !this.exited
  }

  /** CPU the worker has used so far (all threads), µs; 0 once it has exited. */
  cpuUs(): number {
    try {
      return readCpuTimes(this.pid).totalUs
    } catch {
      return 0
    }
  }

  /** One visit: the paths warmed, then measured in `chunks` interleaved slices (worker.ts measureVisit). */
  measure(order: string[], timeMs: number, warmupMs: number, chunks = 1): Promise<PathResult[]> {
    return this.call({ op: 'measure', order, timeMs, warmupMs, chunks }) as Promise<PathResult[]>
  }

  /** The paths with `inFlight` requests at once, in `chunks` interleaved slices (loaded.ts). */
  loaded(order: string[], requests: number, inFlight: number, chunks = 1): Promise<LoadedResult[]> {
    return this.call({ op: 'loaded', order, requests, inFlight, chunks }) as Promise<LoadedResult[]>
  }

  /** ns of the fixed reference workload on the worker's core (lib/calibrate.ts). */
  calibrate(): Promise<number> {
    return this.call({ op: 'calibrate' }) as Promise<number>
  }

  call(c: Call): Promise<unknown> {
    if (this.exited) return Promise.reject(new Error(`${this.spec.id}: worker has exited`))
    const id = this.nextId++
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject })
      this.child.send({ ...c, id })
    })
  }

  async close(): Promise<void> {
    if (!this.exited) {
      const gone = new Promise((r) => this.child.once('exit', r))
      this.child.disconnect()
      const timer = setTimeout(() => this.child.kill('SIGKILL'), 3000)
      await gone
      clearTimeout(timer)
    }
    removeTempDir(this.dir)
  }
}

/** Spawns a worker and waits for its `ready`; rejects when it fails to spawn or exits first. */
async function spawnWorker(spec: GroupSpec): Promise<ChildProcess> {
  // From the run's esbuild bundle like the servers (lib/bundle.ts): a worker start costs ~0.5 s of CPU, not ~1.8.
  const child = spawn(process.execPath, await nodeArgsFor(WORKER), {
    cwd: repoRoot(),
    env: workerEnv(),
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  })
  processRegistry.add(child, `inprocess-${spec.id}`)
  await new Promise<void>((resolve, reject) => {
    const onMsg = (m: WorkerReply) => {
      if ('ready' in m) {
        child.off('message', onMsg)
        resolve()
      }
    }
    child.on('message', onMsg)
    child.once('exit', (code) => reject(new Error(`${spec.id}: worker exited at start (${code})`)))
    child.once('error', reject)
  })
  return child
}

/** The harness's env minus test-runner variables (as processes.ts does for servers). */
function workerEnv(): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [k, v] of Object.entries(process.env)) {
    if (v === undefined || k.startsWith('VITEST') || k === 'NODE_ENV' || k === 'TEST') continue
    out[k] = v
  }
  return out
}
