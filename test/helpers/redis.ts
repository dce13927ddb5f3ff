/**
 * One redis-server per test file, started on first use (`fileRedis()`), stopped by `stopFileRedis()` in the file's
 * afterAll. Servers of the file share it under distinct REDIS_PREFIX values (`redisEnv`).
 */
import type { RedisHandle } from '@auth-lab/shared'
import { openRedis } from '@auth-lab/shared'
import type { RedisTestServer } from '@auth-lab/shared/redis-test-server'
import { startRedisServer } from '@auth-lab/shared/redis-test-server'

let server: Promise<RedisTestServer> | undefined
let prefixes = 0

export function fileRedis(): Promise<RedisTestServer> {
  server ??= startRedisServer()
  return server
}

export async function stopFileRedis(): Promise<void> {
  const s = server
  server = undefined
  if (s) await (await s).stop()
}

/** Env that puts an app's sessions / refresh state and throttle on the file's Redis, under a fresh prefix. */
export async function redisEnv(extra: Record<string, string> = {}): Promise<Record<string, string>> {
  const r = await fileRedis()
  return {
    REDIS_URL: r.url,
    REDIS_PREFIX: `t${process.pid}-${++prefixes}:`,
    SESSION_STORE: 'redis',
    TOKEN_STORE: 'redis',
    ...extra,
  }
}

/** A plain connection (no prefix) for gray-box reads of what the apps stored: SCAN, TYPE, PTTL, HGETALL… */
export async function connectRedis(url: string): Promise<RedisHandle> {
  return openRedis({ url, prefix: '', clientCache: false }, () => {})
}
