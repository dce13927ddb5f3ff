/**
 * Runs the floor server (see app.ts). Env: PORT, HOST (127.0.0.1), DB_PATH, INSTANCE_ID, FLOOR_SEED (path of the
 * JSON written by writeFloorSeed). Started by the benchmark harness, never by hand in normal use.
 */
import { readFileSync } from 'node:fs'
import { Metrics, openDatabase } from '@auth-lab/shared'
import { serve } from '@hono/node-server'
import { createFloorApp } from './app.js'
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
const app = createFloorApp({
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
    db.close()
    process.exit(0)
  })
}
process.once('SIGTERM', shutdown)
process.once('SIGINT', shutdown)
