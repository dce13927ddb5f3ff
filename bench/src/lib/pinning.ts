import { spawnSync } from 'node:child_process'
import { availableParallelism } from 'node:os'

/** Which cores the server and the load generator are pinned to; both null when pinning is off or unavailable. */
export interface Pinning {
  available: boolean
  serverCpu: number | null
  loadCpu: number | null
  note: string
}

let tasksetOk: boolean | undefined

/** True when `taskset` runs here (util-linux); checked once per process. */
export function hasTaskset(): boolean {
  if (tasksetOk === undefined) {
    const r = spawnSync('taskset', ['-c', '0', 'true'], { stdio: 'ignore' })
    tasksetOk = r.status === 0
  }
  return tasksetOk
}

/**
 * Server on core 0, load generator on core 1 — so the two never fight for one core's run queue. Threadpool work of
 * the server (WebCrypto, argon2) is pinned with it, which makes the server a one-core server: say so in reports.
 */
export function choosePinning(wanted: boolean): Pinning {
  const cores = availableParallelism()
  if (!wanted)
    return { available: hasTaskset(), serverCpu: null, loadCpu: null, note: 'pinning disabled (--no-pin)' }
  if (!hasTaskset())
    return { available: false, serverCpu: null, loadCpu: null, note: 'taskset not found: not pinned' }
  if (cores < 2) return { available: true, serverCpu: null, loadCpu: null, note: 'only one core: not pinned' }
  return {
    available: true,
    serverCpu: 0,
    loadCpu: 1,
    note: 'server pinned to core 0 (with its threadpool), load generator to core 1 (taskset -c)',
  }
}

/** Prefixes a command with `taskset -c <cpu>` when a cpu is given; taskset execs, so the PID stays the program's. */
export function pinnedCommand(
  cpu: number | null | undefined,
  cmd: string,
  args: string[],
): [string, string[]] {
  if (cpu === null || cpu === undefined || !hasTaskset()) return [cmd, args]
  return ['taskset', ['-c', String(cpu), cmd, ...args]]
}

/**
 * Pins a running process and all its threads (`taskset -a -cp`); threads it creates later inherit the mask. Used
 * for servers after they are healthy, so their start-up (tsx transpiling) can use every core.
 */
export function pinProcess(pid: number, cpu: number | null | undefined): boolean {
  if (cpu === null || cpu === undefined || !hasTaskset()) return false
  return spawnSync('taskset', ['-a', '-cp', String(cpu), String(pid)], { stdio: 'ignore' }).status === 0
}

/**
 * Moves the harness process (all its threads) off `cpu` while a layer measures there, so its IPC and /proc reads
 * never preempt the measured process; returns the undo (back to every core, so later server starts use both).
 * Children spawned meanwhile inherit the mask; servers and workers are pinned explicitly after they start.
 */
export function pinSelfAway(cpu: number | null | undefined): () => void {
  const cores = availableParallelism()
  if (cpu === null || cpu === undefined || cores < 2 || !hasTaskset()) return () => {}
  const others = Array.from({ length: cores }, (_, i) => i).filter((i) => i !== cpu)
  const set = (list: number[]) =>
    spawnSync('taskset', ['-a', '-cp', list.join(','), String(process.pid)], { stdio: 'ignore' }).status === 0
  if (!set(others)) return () => {}
  return () => {
    set(Array.from({ length: cores }, (_, i) => i))
  }
}
