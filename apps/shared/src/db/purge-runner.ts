/**
 * The purge as both apps' jobs run it. Since purges delete in batches and yield between them (delete-in-batches.ts),
 * one can outlast a timer tick or the app's shutdown, so:
 * - one at a time: a tick that finds the previous purge still running skips (two would race over the same rows
 *   for nothing);
 * - each task's failure is reported on its own (a busy throttle table does not stop the session purge);
 * - `stop()` ends the current purge between batches, before the app closes its database under it.
 */
export interface PurgeRunner {
  /** Starts a purge unless one is running; resolves when it (or the running one) is over. Never rejects. */
  run(): Promise<void>
  /** Stops the running purge at its next batch and every later run. */
  stop(): void
}

export type PurgeTask = (signal: AbortSignal) => Promise<unknown> | undefined

export function purgeRunner(tasks: readonly PurgeTask[], onUnexpected: (err: unknown) => void): PurgeRunner {
  const stopped = new AbortController()
  let running: Promise<void> | null = null
  const once = async () => {
    for (const task of tasks) {
      if (stopped.signal.aborted) return
      try {
        await task(stopped.signal)
      } catch (err) {
        onUnexpected(err)
      }
    }
  }
  return {
    run() {
      if (stopped.signal.aborted) return Promise.resolve()
      running ??= once().finally(() => {
        running = null
      })
      return running
    },
    stop() {
      stopped.abort()
    },
  }
}
