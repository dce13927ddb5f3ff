import type { ChildProcess } from 'node:child_process'

/**
 * Every child the harness starts is recorded here by PID and killed (SIGKILL, by PID — never by name) when the
 * harness exits, is interrupted, or fails. Children that exit normally remove themselves.
 */
class ProcessRegistry {
  private readonly live = new Map<number, string>()
  private exitHookInstalled = false
  private signalHooksInstalled = false

  add(child: ChildProcess, label: string): void {
    if (child.pid === undefined) return
    const pid = child.pid
    this.live.set(pid, label)
    child.once('exit', () => this.live.delete(pid))
    this.installExitHook()
  }

  /** PIDs and labels still alive, for diagnostics. */
  list(): { pid: number; label: string }[] {
    return [...this.live].map(([pid, label]) => ({ pid, label }))
  }

  /** Synchronous so it also works inside process 'exit'. */
  killAll(): void {
    for (const pid of this.live.keys()) {
      try {
        process.kill(pid, 'SIGKILL')
      } catch {
        // already gone
      }
    }
    this.live.clear()
  }

  /**
   * For the CLI: Ctrl-C, SIGTERM and uncaught failures kill every child, then exit. Not installed by default because
   * test runners own those handlers in their worker processes; the 'exit' hook is always installed.
   */
  installSignalHandlers(): void {
    if (this.signalHooksInstalled) return
    this.signalHooksInstalled = true
    const bail = (code: number, why: string, err?: unknown) => {
      if (err) console.error(`\n[bench] ${why}:`, err)
      else console.error(`\n[bench] ${why}: stopping ${this.live.size} child process(es)`)
      this.killAll()
      process.exit(code)
    }
    process.once('SIGINT', () => bail(130, 'interrupted'))
    process.once('SIGTERM', () => bail(143, 'terminated'))
    process.once('SIGHUP', () => bail(129, 'hang-up'))
    process.on('uncaughtException', (err) => bail(1, 'uncaught exception', err))
    process.on('unhandledRejection', (err) => bail(1, 'unhandled rejection', err))
  }

  private installExitHook(): void {
    if (this.exitHookInstalled) return
    this.exitHookInstalled = true
    process.on('exit', () => this.killAll())
  }
}

/** The one registry of this harness process. */
export const processRegistry = new ProcessRegistry()
export type { ProcessRegistry }
