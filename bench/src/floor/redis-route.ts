/**
 * The Redis floor (issue 12 item 6): `/floor/redis` = cookie → SHA-256 → one `GET` on the bench's redis-server
 * through node-redis (the apps' client, RESP3, no client cache) → JSON.parse. What a Redis session store must at
 * least do per request: one network round trip. Subtracted from `stateful-redis` it leaves our code (and the users
 * read); beside `floor-map` it shows the price of the hop.
 */
import { createHash } from 'node:crypto'
import type { Metrics, RedisHandle } from '@auth-lab/shared'
import type { Hono } from 'hono'
import { getCookie } from 'hono/cookie'
import type { FloorSeed } from './seed.js'

const key = (redis: RedisHandle, sid: string) =>
  redis.key(`fs:${createHash('sha256').update(sid).digest('hex')}`)

/** Writes one key per seeded session (24 h TTL, like the floor's SQLite rows: every key has a TTL). */
export async function seedFloorRedis(redis: RedisHandle, seed: FloorSeed): Promise<void> {
  const multi = redis.client.multi()
  for (const u of seed.users)
    multi.set(key(redis, u.sid), JSON.stringify({ id: u.id, username: u.username }), { PX: 24 * 3600 * 1000 })
  await multi.exec()
}

export function installRedisFloor(app: Hono, deps: { redis: RedisHandle; metrics: Metrics }): void {
  const unauthenticated = { error: 'unauthenticated', message: 'no valid credential' }
  app.get('/floor/redis', async (c) => {
    const sid = getCookie(c, 'sid')
    if (!sid) return c.json(unauthenticated, 401)
    deps.metrics.store.read('floor_sessions')
    const raw = await deps.redis.client.get(key(deps.redis, sid))
    if (typeof raw !== 'string') return c.json(unauthenticated, 401)
    const u = JSON.parse(raw) as { id: number; username: string }
    return c.json({
      user: { id: u.id, username: u.username, role: 'user' },
      auth: { mechanism: 'floor-redis', expires_at: null },
    })
  })
}
