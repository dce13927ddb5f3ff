/**
 * The stateful server: the only module that reads process.env. Reads and validates the config (exit 2 with the
 * message on a bad value), opens the database and migrates it, serves on HOST:PORT, prints one line when
 * listening, purges expired sessions periodically, and on SIGTERM/SIGINT shuts down gracefully (shared
 * `serveUntilSignal`, the same for both apps) and exits 0.
 */

import { ConfigError, serveUntilSignal } from '@auth-lab/shared'
import { createApp } from './app.js'
import type { StatefulConfig } from './config.js'
import { readConfig } from './config.js'
import { openStatefulDeps } from './deps.js'
import { startPurge } from './session/purge.js'

let config: StatefulConfig
try {
  config = readConfig(process.env)
} catch (err) {
  if (err instanceof ConfigError) {
    console.error(`auth-lab stateful: configuration error: ${err.message}`)
    process.exit(2)
  }
  throw err
}

const report = (err: unknown) => console.error('[auth-lab stateful] error:', err)
const deps = openStatefulDeps(config, { defaultMetrics: true, onUnexpected: report })
const app = createApp(deps)
const stopPurge = startPurge(deps.sessions, deps.clock, config.session.purgeIntervalSeconds * 1000, report)

serveUntilSignal({
  app: 'stateful',
  instanceId: config.instanceId,
  host: config.host,
  port: config.port,
  timeouts: { headersMs: config.http.headersTimeoutMs, requestMs: config.http.requestTimeoutMs },
  fetch: app.fetch,
  onClose: () => {
    stopPurge()
    deps.close()
  },
})
