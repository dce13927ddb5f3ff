/**
 * Runs the floor server (see app.ts). Env: PORT, HOST (127.0.0.1), DB_PATH, INSTANCE_ID, FLOOR_SEED (path of the
 * JSON written by writeFloorSeed). Started by the benchmark harness, never by hand in normal use.
 */
import { readFileSync } from 'node:fs'
import { Metrics, openDatabase, openRedis, REDIS_DEFAULTS } from '@auth-lab/shared'
import { serve } from '@hono/node-server'
import { createFloorApp } from './app.js'
import { seedFloorRedis } from './redis-route.js'
import type { FloorSeed } from './seed.js'

const env = process.env
const port = Number(env.PORT ?? 0)
const host = env.HOST ?? '127.0.0.1'
const instanceId = env.INSTANCE_ID ?? `floor-${process.pid}`
if (!env.DB_PATH || !env.FLOOR_SEED) {
  console.error('floor server: DB_PATH and FLOOR_SEED are required')
  process.exit(2)
}
const seed = JSON.parse(readFileSync(env.FLOOR_SEED, 'utf8')) as FloorSeed
const db = openDatabase(env.DB_PATH)
// REDIS_URL (set by the harness for the floor-redis variant): seed the sessions into Redis and serve /floor/redis.
const redis = env.REDIS_URL
  ? await openRedis({
      url: env.REDIS_URL,
      prefix: env.REDIS_PREFIX ?? REDIS_DEFAULTS.prefix,
      clientCache: false,
    })
  : undefined
if (redis) await seedFloorRedis(redis, seed)
const app = createFloorApp({
  redis,
  db,
  metrics: new Metrics('floor'),
  seed,
  instanceId,
  metricsToken: env.METRICS_TOKEN,
})

const server = serve({ fetch: app.fetch, port, hostname: host }, (info) => {
  console.log(`auth-lab floor listening on http://${host}:${info.port} (instance ${instanceId})`)
})

const shutdown = () => {
  server.close(() => {
    void redis?.close()
    db.close()
    process.exit(0)
  })
}
process.once('SIGTERM', shutdown)
process.once('SIGINT', shutdown)
