import type { OpenedDeps } from './deps.js'

/**
 * Every timer of the stateful app: the session (and login-throttle) purge, now and every SESSION_PURGE_INTERVAL. Expiry is enforced on
 * every read anyway; the purge only keeps the table from growing with sessions that never come back. Timers are
 * unref()ed so they never keep the process alive; a failed run (e.g. SQLITE_BUSY) is reported and retried at the
 * next tick. Returns the function that stops them.
 */
export function startJobs(deps: OpenedDeps): () => void {
  const purge = () => {
    deps.sessions.purge().catch(deps.onUnexpected)
    try {
      deps.throttle.purge?.() // the shared SQLite throttle's old rows (either app's jobs may do it)
    } catch (err) {
      deps.onUnexpected(err)
    }
  }
  purge()
  const timer = setInterval(purge, deps.config.session.purgeIntervalSeconds * 1000)
  timer.unref()
  return () => clearInterval(timer)
}
