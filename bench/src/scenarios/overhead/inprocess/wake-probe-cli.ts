/**
 * Where the uncached Redis variants' one-request-at-a-time cost goes (a developer's probe, like probe-cli.ts; the
 * bench does not run it). Builds the real stateful app twice with build.ts — on Redis and on the memory store —
 * and times every GET /me in three parts: before the session read, the read itself (the store's `find`), and
 * everything after it until the response body is read. Two more runs of the memory app make its read wait without
 * Redis: behind a setImmediate (the core stays busy) and behind a 1 ms timer (the core idles). If the work after the
 * read grows only when the core idled, the cost is the wake-up, not the code.
 *   taskset -c 0 node --import tsx bench/src/scenarios/overhead/inprocess/wake-probe-cli.ts [--requests 6000]
 * Redis runs on core 1 (startBenchRedis). Medians of rounds 2…6 (round 1 warms up).
 */
import { parseArgs } from 'node:util'
import { MemorySessionStore, RedisSessionStore } from '@auth-lab/stateful'
import { redisEnv, startBenchRedis } from '../../../lib/redis.js'
import { makeTempDir, removeTempDir } from '../../../lib/temp-dirs.js'
import { GROUPS } from '../variants.js'
import { buildGroup } from './build.js'

const { values } = parseArgs({ options: { requests: { type: 'string', default: '6000' } } })
const requests = Number(values.requests)
type Wait = 'none' | 'immediate' | 'sleep'

// The read's start and end, set by the wrapped `find` of whichever store the request goes through.
let readStart = 0
let readEnd = 0
let wait: Wait = 'none'
for (const Store of [RedisSessionStore, MemorySessionStore]) {
  const find = Store.prototype.find
  Store.prototype.find = async function (this: InstanceType<typeof Store>, idHash: string) {
    readStart = performance.now()
    const found = await find.call(this, idHash)
    if (wait === 'immediate') await new Promise((r) => setImmediate(r))
    if (wait === 'sleep') await new Promise((r) => setTimeout(r, 1))
    readEnd = performance.now()
    return found
  }
}

const redis = await startBenchRedis({ cpu: 1 })
const dirs: string[] = []
const build = async (id: string) => {
  const spec = GROUPS.find((g) => g.id === id)
  if (!spec) throw new Error(`no overhead group ${id}`)
  const dir = makeTempDir('auth-lab-wake-probe-')
  dirs.push(dir)
  const group = await buildGroup(
    { ...spec, env: { ...spec.env, ...redisEnv(redis.url, `wake-${id}`) } },
    50,
    dir,
  )
  const target = group.targets.find((t) => t.id === id)
  if (!target) throw new Error(`${id}: no target`)
  return { group, target }
}
const runs: { label: string; wait: Wait; app: Awaited<ReturnType<typeof build>> }[] = []
const onRedis = await build('stateful-redis')
const inMemory = await build('stateful-memory')
runs.push(
  { label: 'stateful-redis (Redis round trip)', wait: 'none', app: onRedis },
  { label: 'stateful-memory (Map lookup)', wait: 'none', app: inMemory },
  { label: 'stateful-memory + setImmediate', wait: 'immediate', app: inMemory },
  { label: 'stateful-memory + 1 ms timer', wait: 'sleep', app: inMemory },
)

const parts = new Map<string, number[][]>(runs.map((r) => [r.label, []]))
for (let round = 1; round <= 6; round++) {
  for (const r of runs) {
    wait = r.wait
    // The timer run is ~1 ms a request: a sixth of the requests keeps the probe short.
    const n = r.wait === 'sleep' ? Math.ceil(requests / 6) : requests
    for (let i = 0; i < n; i++) {
      const t0 = performance.now()
      const headers = r.app.target.headers[i % r.app.target.headers.length]
      const res = await r.app.group.fetch(new Request(`http://127.0.0.1${r.app.target.path}`, { headers }))
      await res.arrayBuffer()
      const t1 = performance.now()
      if (res.status !== 200) throw new Error(`${r.label}: ${res.status}`)
      if (round > 1) parts.get(r.label)!.push([t1 - t0, readStart - t0, readEnd - readStart, t1 - readEnd])
    }
  }
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]! * 1000
console.log('µs per GET /me (median)                total   before    read   after the read')
for (const [label, xs] of parts) {
  const [total, before, read, after] = [0, 1, 2, 3].map((k) => median(xs.map((x) => x[k]!)))
  console.log(
    `${label.padEnd(38)} ${[total, before, read, after].map((x) => x!.toFixed(1).padStart(7)).join(' ')}`,
  )
}
onRedis.group.close()
inMemory.group.close()
await redis.stop()
for (const d of dirs) removeTempDir(d)
process.exit(0)
