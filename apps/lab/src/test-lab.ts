/**
 * For tests: the lab front as server.ts builds it (`createApp` over ChildServers, an Inspector and a Pocket) on a
 * fresh temporary database, with no child started — the instance ports are whatever the test passes (an echo
 * server, or unused ports, so a forwarded request finds its instance down). `close()` removes everything.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ensureDemoUsers, openSharedDeps, repoRoot } from '@auth-lab/shared'
import { createApp, type LabDeps } from './app.js'
import { ChildServers } from './children.js'
import { readLabConfig } from './config.js'
import { Inspector } from './inspect.js'
import { Pocket } from './pocket.js'

export interface TestLabOptions {
  /** Instance ports (default 2, 3, 4: nothing listens there). */
  stateful?: number
  stateless?: number
  statelessNone?: number
  labPort?: number
  /** The lab's own origins (Host and Origin checks); none = tests through app.request without a Host check. */
  origins?: readonly string[]
  allowRemote?: boolean
  /** Create the demo users in the database first (the lab API reads them). */
  users?: boolean
}

export interface TestLab {
  app: ReturnType<typeof createApp>
  dir: string
  dbPath: string
  /** Another front on the same database and instances, with other options (e.g. allowRemote). */
  another(over: Partial<Pick<LabDeps, 'origins' | 'allowRemote'>>): ReturnType<typeof createApp>
  close(): void
}

export async function testLab(o: TestLabOptions = {}): Promise<TestLab> {
  const dir = mkdtempSync(join(tmpdir(), 'auth-lab-lab-'))
  const dbPath = join(dir, 'auth-lab.db')
  if (o.users) {
    const shared = openSharedDeps({
      app: 'lab-test',
      dbPath,
      argon2: { memoryCost: 256, timeCost: 1, parallelism: 1 },
      throttle: { maxFailuresPerUser: 5, maxFailuresPerIp: 50, windowSeconds: 900 },
    })
    await ensureDemoUsers(shared.users)
    shared.db.close()
  }
  const config = readLabConfig({
    DB_PATH: dbPath,
    LAB_PORT: String(o.labPort ?? 1),
    STATEFUL_PORT: String(o.stateful ?? 2),
    STATELESS_PORT: String(o.stateless ?? 3),
    STATELESS_NONE_PORT: String(o.statelessNone ?? 4),
  })
  const origins = o.origins ?? []
  const children = new ChildServers(config.instances, { root: repoRoot(), dbPath, labOrigins: [...origins] })
  const inspector = new Inspector(dbPath, join(dir, 'keys'))
  const build = (over: Partial<Pick<LabDeps, 'origins' | 'allowRemote'>> = {}) =>
    createApp({
      children,
      inspector,
      pocket: new Pocket(),
      root: repoRoot(),
      raceReportPath: join(dir, 'none.json'),
      ...(origins.length > 0 ? { origins } : {}),
      allowRemote: o.allowRemote,
      ...over,
    })
  return {
    app: build(),
    dir,
    dbPath,
    another: build,
    close() {
      inspector.close()
      rmSync(dir, { recursive: true, force: true })
    },
  }
}
