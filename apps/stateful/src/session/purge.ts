import type { Clock } from '@auth-lab/shared'
import type { SessionStore } from './session-store.js'

/**
 * Deletes expired sessions now and every `intervalMs`. Expiry is enforced on every read anyway; the purge only
 * keeps the table from growing with sessions that never come back. The timer is unref()ed so it never keeps the
 * process alive, and a failed purge (e.g. SQLITE_BUSY) is reported and retried at the next tick.
 */
export function startPurge(
  store: SessionStore,
  clock: Clock,
  intervalMs: number,
  onError: (err: unknown) => void,
): () => void {
  const run = () => {
    try {
      store.purgeExpired(clock())
    } catch (err) {
      onError(err)
    }
  }
  run()
  const timer = setInterval(run, intervalMs)
  timer.unref()
  return () => clearInterval(timer)
}
