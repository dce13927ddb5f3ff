import type { ChildProcess } from 'node:child_process'

/**
 * Every child server the helpers start is registered here and killed by its PID when the test process exits, even
 * when a suite forgets its afterAll or crashes: no stray servers holding ports after a run. Servers run as
 * `node --import tsx <entry>` (see server.ts), so the PID is the server itself, not a wrapper.
 */
const live = new Set<ChildProcess>()
let installed = false

export function register(child: ChildProcess): void {
  live.add(child)
  child.once('exit', () => live.delete(child))
  if (!installed) {
    installed = true
    process.once('exit', killAll)
  }
}

function killAll(): void {
  for (const child of live) {
    if (child.pid !== undefined && child.exitCode === null) killPid(child.pid, 'SIGKILL')
  }
  live.clear()
}

export function killPid(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal)
  } catch {
    // already gone
  }
}
