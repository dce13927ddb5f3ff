/**
 * The stateful server: the only module that reads process.env. Reads and validates the config (exit 2 with the
 * message on a bad value), opens the database and migrates it, serves on HOST:PORT, prints one line when
 * listening, purges expired sessions periodically, and on SIGTERM/SIGINT stops accepting, closes the server and
 * the database, and exits 0.
 */

import { ConfigError } from '@auth-lab/shared'
import { serve } from '@hono/node-server'
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

const server = serve({ fetch: app.fetch, port: config.port, hostname: config.host }, (info) => {
  console.log(
    `auth-lab stateful listening on http://${config.host}:${info.port} (instance ${config.instanceId})`,
  )
})

let stopping = false
function shutdown(signal: string): void {
  if (stopping) return
  stopping = true
  stopPurge()
  // Give in-flight requests a moment; a stuck keep-alive client must not block the exit forever.
  setTimeout(() => {
    console.error(`auth-lab stateful: ${signal}: connections still open after 5 s, exiting`)
    deps.close()
    process.exit(0)
  }, 5000).unref()
  server.close(() => {
    deps.close()
    process.exit(0)
  })
  if ('closeIdleConnections' in server) server.closeIdleConnections()
}
process.on('SIGTERM', () => shutdown('SIGTERM'))
process.on('SIGINT', () => shutdown('SIGINT'))
