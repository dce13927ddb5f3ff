import { purgeRunner } from '@auth-lab/shared'
import type { OpenedDeps } from './deps.js'

/**
 * Every timer of the stateless app, started by server.ts (never by `createApp` or tests):
 * - purge (PURGE_INTERVAL, default 60 s): deletes dead refresh families and tokens, expired deny-list entries and
 *   the login throttle's old rows, in batches that yield to the event loop, one purge at a time.
 *   Expiry is enforced on every read anyway; the purge only keeps the tables as small as the live set.
 * - key reload (KEY_RELOAD_INTERVAL, default 5 s): `keys rotate` rewrites the key file; each instance picks the new
 *   current key up without a restart (the import happens here, never on a request).
 * Timers are unref()ed so they never keep the process alive; a failed run goes to `deps.onUnexpected` and is
 * retried at the next tick. Returns the function that stops them all.
 */
export function startJobs(deps: OpenedDeps): () => void {
  const { purgeIntervalSeconds, keyReloadIntervalSeconds } = deps.config.jobs
  // Batched purges that yield between batches, one at a time, stopped with the jobs (shared purgeRunner).
  const purger = purgeRunner(
    [
      (signal) => deps.tokens.purge(signal),
      (signal) => deps.throttle.purge?.(signal), // the shared SQLite throttle's old rows
    ],
    deps.onUnexpected,
  )
  const purge = setInterval(() => void purger.run(), purgeIntervalSeconds * 1000)
  const reload = setInterval(() => {
    deps.keys.reloadIfChanged().catch(deps.onUnexpected)
  }, keyReloadIntervalSeconds * 1000)
  purge.unref()
  reload.unref()
  return () => {
    clearInterval(purge)
    clearInterval(reload)
    purger.stop()
  }
}
