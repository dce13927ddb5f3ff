import { join } from 'node:path'
import { createNodeServer, repoRoot } from '@auth-lab/shared'
import { createApp } from './app.js'
import { ChildServers } from './children.js'
import type { InstanceId, LabConfig } from './config.js'
import { Inspector } from './inspect.js'
import { Pocket } from './pocket.js'
import { ensureSelfSignedCert } from './tls.js'

export interface RunningLab {
  url: string
  children: ChildServers
  /** Stops the front, then every child by PID. */
  stop(): Promise<void>
}

export interface StartLabOptions {
  /** Env for every child (tests pass cheap argon2 here). */
  childEnv?: Record<string, string>
  log?: (id: InstanceId | 'lab', line: string) => void
  raceReportPath?: string
  /** How children are launched (ChildServersOptions.nodeArgs); default tsx. */
  nodeArgs?: (entry: string) => Promise<string[]>
}

/**
 * Starts the children (all three, in parallel), then the front on HOST:LAB_PORT. Used by server.ts, by
 * scripts/start.ts (`pnpm start`) and by the e2e suite (on free ports).
 */
export async function startLab(config: LabConfig, opts: StartLabOptions = {}): Promise<RunningLab> {
  const root = repoRoot()
  const scheme = config.https ? 'https' : 'http'
  const labOrigins = [`${scheme}://localhost:${config.port}`, `${scheme}://127.0.0.1:${config.port}`]
  // Made before any child starts, so a missing openssl fails fast with the line to run.
  const tls = config.https ? ensureSelfSignedCert(config.tlsDir) : null
  const keysDir = config.keysDir ?? join(config.dbPath, '..', 'keys')
  const children = new ChildServers(config.instances, {
    root,
    dbPath: config.dbPath,
    labOrigins,
    baseEnv: { ...opts.childEnv, ...(config.keysDir ? { JWT_KEYS_DIR: config.keysDir } : {}) },
    log: opts.log,
    nodeArgs: opts.nodeArgs,
  })
  // One child first: the first start creates the file and runs the migrations; the others then find them done.
  const [first, ...rest] = config.instances
  if (first) await children.start(first.id)
  await Promise.all(rest.map((s) => children.start(s.id)))
  const inspector = new Inspector(config.dbPath, keysDir)
  const app = createApp({
    children,
    inspector,
    pocket: new Pocket(),
    root,
    raceReportPath: opts.raceReportPath ?? join(root, 'reports', 'e2e', 'multi-tab-race.json'),
    origins: labOrigins,
    allowRemote: config.allowRemote,
  })
  // The apps' own server set-up (shared createNodeServer): the same header and request time limits (a half-sent
  // request held the lab's socket past 22 s under Node's 300 s default) and JSON answers for requests refused
  // below the app (found in review).
  const server = createNodeServer({
    fetch: app.fetch,
    host: config.host,
    ...(tls ? { tls: { key: tls.key, cert: tls.cert } } : {}),
  })
  await new Promise<void>((resolve) => server.listen(config.port, config.host, resolve))
  opts.log?.('lab', `auth-lab lab listening on ${scheme}://${config.host}:${config.port}`)
  return {
    url: `${scheme}://localhost:${config.port}`,
    children,
    async stop() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      })
      inspector.close()
      await children.stopAll()
    },
  }
}
