/**
 * What the stateful app's Redis test files share: one redis-server for the file (a real one, on a free loopback
 * port, stopped by PID), an admin client, and apps on it (SESSION_STORE=redis), each under its own key prefix.
 * `useRedisApps()` registers its own beforeAll / afterAll: call it once, at a test file's top level.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { RedisHandle } from '@auth-lab/shared'
import { openRedis } from '@auth-lab/shared'
import type { RedisTestServer } from '@auth-lab/shared/redis-test-server'
import { startRedisServer } from '@auth-lab/shared/redis-test-server'
import { afterAll, beforeAll } from 'vitest'
import type { TestApp } from './test-app.js'
import { testApp } from './test-app.js'

export type RedisTestApp = TestApp & { prefix: string; dbPath: string }

export interface RedisApps {
  readonly server: RedisTestServer
  readonly admin: RedisHandle
  /** An app on Redis; `share` reuses another instance's DB file and prefix (a second instance behind a balancer). */
  redisApp(opts?: {
    url?: string
    cache?: boolean
    share?: { db: string; prefix: string }
  }): Promise<RedisTestApp>
  /** Runs at teardown, before the apps close (e.g. a proxy between an app and Redis). */
  onCleanup(fn: () => Promise<void> | void): void
}

export function useRedisApps(prefixTag: string): RedisApps {
  let server: RedisTestServer | undefined
  let admin: RedisHandle | undefined
  let prefixes = 0
  const dirs: string[] = []
  const apps: TestApp[] = []
  const cleanups: (() => Promise<void> | void)[] = []
  beforeAll(async () => {
    server = await startRedisServer()
    admin = await openRedis({ url: server.url, prefix: '', clientCache: false })
  })
  afterAll(async () => {
    for (const c of cleanups) await c()
    for (const t of apps) await t.deps.close().catch(() => {})
    await admin?.close()
    await server?.stop()
    for (const d of dirs) rmSync(d, { recursive: true, force: true })
  })
  return {
    get server() {
      if (!server) throw new Error('redis-server not started (use it inside a test)')
      return server
    },
    get admin() {
      if (!admin) throw new Error('redis-server not started (use it inside a test)')
      return admin
    },
    async redisApp(opts = {}) {
      const dir = mkdtempSync(join(tmpdir(), `auth-lab-stateful-${prefixTag}-`))
      dirs.push(dir)
      const prefix = opts.share?.prefix ?? `${prefixTag}${++prefixes}:`
      const dbPath = opts.share?.db ?? join(dir, 'auth-lab.db')
      const t = await testApp({
        env: {
          DB_PATH: dbPath,
          SESSION_STORE: 'redis',
          REDIS_URL: opts.url ?? (server as RedisTestServer).url,
          REDIS_PREFIX: prefix,
          REDIS_CLIENT_CACHE: opts.cache ? '1' : '0',
        },
        reuseUsers: opts.share !== undefined,
      })
      apps.push(t)
      return Object.assign(t, { prefix, dbPath })
    },
    onCleanup(fn) {
      cleanups.push(fn)
    },
  }
}
