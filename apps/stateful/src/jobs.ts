import { purgeRunner } from '@auth-lab/shared'
import type { OpenedDeps } from './deps.js'

/**
 * Every timer of the stateful app: the session (and login-throttle) purge, now and every SESSION_PURGE_INTERVAL. Expiry is enforced on
 * every read anyway; the purge only keeps the table from growing with sessions that never come back. It deletes in
 * batches and yields between them, one purge at a time (shared purgeRunner). Timers are unref()ed so they never
 * keep the process alive; a failed run (e.g. SQLITE_BUSY) is reported and retried at the next tick. Returns the
 * function that stops them (and a purge in progress, at its next batch).
 */
export function startJobs(deps: OpenedDeps): () => void {
  const purge = purgeRunner(
    [
      (signal) => deps.sessions.purge(signal),
      (signal) => deps.throttle.purge?.(signal), // the shared SQLite throttle's old rows (either app's jobs may do it)
    ],
    deps.onUnexpected,
  )
  void purge.run()
  const timer = setInterval(() => void purge.run(), deps.config.session.purgeIntervalSeconds * 1000)
  timer.unref()
  return () => {
    clearInterval(timer)
    purge.stop()
  }
}
