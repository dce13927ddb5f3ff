import type { ServerHandle } from './processes.js'

/**
 * Starts several servers at once; if any fails, the ones that did start are killed (by PID, through their handles)
 * before the first error is rethrown, so a failed start never leaves a server running until the harness exits.
 */
export async function startMany(starts: readonly (() => Promise<ServerHandle>)[]): Promise<ServerHandle[]> {
  const settled = await Promise.allSettled(starts.map((start) => start()))
  const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected')
  const ok = settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []))
  if (failed) {
    await Promise.all(ok.map((s) => s.stop('SIGKILL')))
    throw failed.reason
  }
  return ok
}
