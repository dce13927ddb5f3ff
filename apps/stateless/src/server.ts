import { ConfigError, serveUntilSignal } from '@auth-lab/shared'
import { createApp } from './app.js'
import { readConfig } from './config.js'
import { openDeps } from './deps.js'
import { startJobs } from './jobs.js'

/**
 * The stateless server: the only module that reads process.env. Reads and validates the config, opens the
 * database (deps.ts migrates it) and the keys, starts the timers (jobs.ts), serves on HOST:PORT and prints one
 * line when listening (harnesses wait for it or poll /health). SIGTERM/SIGINT stop accepting, stop the timers,
 * close the DB and exit 0 (shared `serveUntilSignal`, the same for both apps).
 */
async function main(): Promise<void> {
  const config = readConfig(process.env)
  const deps = await openDeps(config, { defaultMetrics: true })
  const app = createApp(deps)
  const stopJobs = startJobs(deps)
  serveUntilSignal({
    app: 'stateless',
    instanceId: config.instanceId,
    host: config.host,
    port: config.port,
    timeouts: { headersMs: config.http.headersTimeoutMs, requestMs: config.http.requestTimeoutMs },
    fetch: app.fetch,
    onClose: () => {
      stopJobs()
      void deps.close()
    },
  })
}

main().catch((err) => {
  // Exit 2 for a bad configuration (fix the env), 1 for anything else, as the stateful server does.
  if (err instanceof ConfigError) {
    console.error(`auth-lab stateless: configuration error: ${err.message}`)
    process.exit(2)
  }
  console.error('auth-lab stateless: failed to start:', err)
  process.exit(1)
})
