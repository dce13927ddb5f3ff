/**
 * Runs the real `keys rotate` CLI (apps/stateless/src/cli/keys.ts) at a moment the rotation experiment chooses: the
 * process starts early, loads the CLI's modules (tsx start-up takes seconds on a busy machine), and only imports the
 * CLI itself — which rotates and exits — when the parent sends `go` over IPC. Env as for the CLI (JWT_ALG, DB_PATH).
 */
import '../../../../apps/stateless/src/config.js'
import '../../../../apps/stateless/src/tokens/keys.js'

const CLI = new URL('../../../../apps/stateless/src/cli/keys.ts', import.meta.url).href

process.once('message', () => {
  process.argv = [process.argv[0] ?? 'node', 'keys.ts', 'rotate']
  void import(CLI)
})
process.send?.({ ready: true })
