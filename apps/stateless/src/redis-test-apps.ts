/**
 * What the stateless app's Redis test files share: one redis-server for the file (a real one, on a free loopback
 * port, stopped by PID), an admin client, and apps on it (TOKEN_STORE=redis), each under its own key prefix.
 * `useRedisApps()` registers its own beforeAll / afterAll: call it once, at a test file's top level.
 */
import type { RedisHandle } from '@auth-lab/shared'
import { openRedis } from '@auth-lab/shared'
import type { RedisTestServer } from '@auth-lab/shared/redis-test-server'
import { startRedisServer } from '@auth-lab/shared/redis-test-server'
import { afterAll, beforeAll } from 'vitest'
import type { TestApp } from './test-app.js'
import { testApp } from './test-app.js'

export type RedisTestApp = TestApp & { prefix: string }

export interface RedisApps {
  readonly server: RedisTestServer
  readonly admin: RedisHandle
  /** An app on Redis; `share` runs a second instance on another's DB directory, clock and prefix. */
  redisApp(opts?: { env?: Record<string, string>; url?: string; share?: RedisTestApp }): Promise<RedisTestApp>
}

export function useRedisApps(prefixTag: string): RedisApps {
  let server: RedisTestServer | undefined
  let admin: RedisHandle | undefined
  let prefixes = 0
  const apps: TestApp[] = []
  beforeAll(async () => {
    server = await startRedisServer()
    admin = await openRedis({ url: server.url, prefix: '', clientCache: false })
  })
  afterAll(async () => {
    for (const t of apps) await t.close()
    await admin?.close()
    await server?.stop()
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
      const prefix = opts.share?.prefix ?? `${prefixTag}${++prefixes}:`
      const t = await testApp({
        dir: opts.share?.dir,
        clock: opts.share?.clock,
        env: {
          TOKEN_STORE: 'redis',
          REDIS_URL: opts.url ?? (server as RedisTestServer).url,
          REDIS_PREFIX: prefix,
          ...opts.env,
        },
      })
      apps.push(t)
      return Object.assign(t, { prefix })
    },
  }
}
