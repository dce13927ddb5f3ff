import { ConfigError, serveUntilSignal } from '@auth-lab/shared'
import { createApp } from './app.js'
import { readConfig } from './config.js'
import { openStatelessDeps } from './deps.js'

/**
 * The stateless server: the only module that touches process.env, signals and the network.
 * Prints one line when listening (harnesses wait for it or poll /health); SIGTERM/SIGINT stop accepting, close the
 * server and the DB, exit 0. The purge and key-reload timers are unref'd so they never keep the process alive.
 */
const PURGE_EVERY_MS = 60_000
const KEY_RELOAD_EVERY_MS = 5_000

async function main(): Promise<void> {
  const config = readConfig(process.env)
  const deps = await openStatelessDeps(config, { defaultMetrics: true })
  const app = createApp(deps)

  const purge = setInterval(() => {
    try {
      deps.tokens.purge()
    } catch (err) {
      console.error('[auth-lab stateless] purge failed:', err)
    }
  }, PURGE_EVERY_MS)
  purge.unref()
  // `keys rotate` rewrites the key file; pick the new current key up without a restart (import happens here, once).
  const reload = setInterval(() => {
    deps.keys.reloadIfChanged().catch((err) => console.error('[auth-lab stateless] key reload failed:', err))
  }, KEY_RELOAD_EVERY_MS)
  reload.unref()

  serveUntilSignal({
    app: 'stateless',
    instanceId: config.instanceId,
    host: config.host,
    port: config.port,
    timeouts: { headersMs: config.http.headersTimeoutMs, requestMs: config.http.requestTimeoutMs },
    fetch: app.fetch,
    onClose: () => {
      clearInterval(purge)
      clearInterval(reload)
      deps.db.close()
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
