/**
 * The harness's temporary directories (server DBs, in-process workers' DBs and keys). Each owner removes its own in
 * a `finally`; what is still here when the harness process exits — a scenario that threw past its cleanup, Ctrl-C
 * (the CLI's signal handlers exit the process), a failed test — is removed by one exit hook, so a run never leaves
 * `auth-lab-*` directories in the user's /tmp. Only a SIGKILLed harness can still leave them.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const live = new Set<string>()
let exitHookInstalled = false

/** A fresh directory `<os.tmpdir()>/<prefix>XXXXXX`, removed by `removeTempDir` or at the latest on process exit. */
export function makeTempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix))
  live.add(dir)
  if (!exitHookInstalled) {
    exitHookInstalled = true
    // Synchronous, so it also runs inside process 'exit' (after process.exit() from a signal handler).
    process.on('exit', () => {
      for (const d of live) rmSync(d, { recursive: true, force: true })
      live.clear()
    })
  }
  return dir
}

/** Removes a directory made by `makeTempDir` (and everything in it); a second call is a no-op. */
export function removeTempDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true })
  live.delete(dir)
}
