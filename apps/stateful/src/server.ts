/**
 * The stateful server: the only module that reads process.env. Reads and validates the config (exit 2 with the
 * message on a bad value), opens and migrates the database (deps.ts), serves on HOST:PORT, prints one line when
 * listening, runs the timers (jobs.ts), and on SIGTERM/SIGINT shuts down gracefully (shared `serveUntilSignal`, the
 * same for both apps) and exits 0. Any other start-up error exits 1.
 */

import { ConfigError, serveUntilSignal } from '@auth-lab/shared'
import { createApp } from './app.js'
import { readConfig } from './config.js'
import { openDeps } from './deps.js'
import { startJobs } from './jobs.js'

try {
  const config = readConfig(process.env)
  const deps = await openDeps(config, { defaultMetrics: true })
  const app = createApp(deps)
  const stopJobs = startJobs(deps)
  serveUntilSignal({
    app: 'stateful',
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
} catch (err) {
  if (err instanceof ConfigError) {
    console.error(`auth-lab stateful: configuration error: ${err.message}`)
    process.exit(2)
  }
  console.error('auth-lab stateful: failed to start:', err)
  process.exit(1)
}
