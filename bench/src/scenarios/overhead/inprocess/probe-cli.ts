/**
 * A quick, single-process probe of the in-process layer for hot-path work (issue 11 item 9): builds the floor and
 * the named variants with `buildGroup` (the real apps), warms them up, then measures `GET /me` (and each group's
 * `/public`) with tinybench in `--windows` windows of `--window-ms`, interleaved, and prints the median of the
 * per-window p50s — and each variant minus the floor target(s) measured in the same process, back to back.
 *   taskset -c 0 node --import tsx bench/src/scenarios/overhead/inprocess/probe-cli.ts \
 *     --variants stateful-sqlite,stateless-hs256-none --floors floor-hs-sqlite,floor-jose [--windows 8] [--users 64]
 * Not part of the bench run: a developer's tool; the bench's in-process layer (measure.ts) is what reports.
 */
import { parseArgs } from 'node:util'
import { Bench } from 'tinybench'
import { needsRedis, redisEnv, startBenchRedis } from '../../../lib/redis.js'
import { makeTempDir, removeTempDir } from '../../../lib/temp-dirs.js'
import { GROUPS } from '../variants.js'
import type { BuiltGroup, BuiltTarget } from './build.js'
import { buildGroup } from './build.js'

const { values } = parseArgs({
  options: {
    variants: { type: 'string', default: 'stateful-sqlite' },
    floors: { type: 'string', default: 'floor-map,floor-sqlite' },
    windows: { type: 'string', default: '8' },
    'window-ms': { type: 'string', default: '300' },
    users: { type: 'string', default: '64' },
    public: { type: 'boolean', default: false },
    series: { type: 'boolean', default: false },
  },
})
const variants = values.variants.split(',').filter(Boolean)
const floors = values.floors.split(',').filter(Boolean)
const windows = Number(values.windows)
const windowMs = Number(values['window-ms'])
const users = Number(values.users)

const wanted = new Set([...variants, ...floors])
const specs = GROUPS.map((g) => ({ ...g, targets: g.targets.filter((t) => wanted.has(t.id)) })).filter(
  (g) => g.targets.length > 0,
)
const redisNeeded = specs.some((s) => needsRedis(s.env) || s.targets.some((t) => t.id === 'floor-redis'))
const redis = redisNeeded ? await startBenchRedis({ cpu: 1 }) : null

const dirs: string[] = []
const built: { group: BuiltGroup; target: BuiltTarget }[] = []
for (const spec0 of specs) {
  const spec =
    redis && (needsRedis(spec0.env) || spec0.targets.some((t) => t.id === 'floor-redis'))
      ? { ...spec0, env: { ...spec0.env, ...redisEnv(redis.url, `probe-${spec0.id}`) } }
      : spec0
  // Removed at the end, or by temp-dirs' exit hook when a build or a measurement throws.
  const dir = makeTempDir(`auth-lab-probe-${spec.id}-`)
  dirs.push(dir)
  const group = await buildGroup(spec, users, dir)
  for (const t of group.targets) {
    if (wanted.has(t.id) || (values.public && t.id.endsWith(':public'))) built.push({ group, target: t })
  }
}

function task(g: BuiltGroup, t: BuiltTarget) {
  const url = `http://127.0.0.1${t.path}`
  let i = 0
  let bad = 0
  return {
    bad: () => bad,
    fn: async () => {
      const res = await g.fetch(new Request(url, { headers: t.headers[i++ % t.headers.length] }))
      if (res.status !== 200) bad++
    },
  }
}

const tasks = built.map((b) => ({ id: b.target.id, ...task(b.group, b.target) }))
// Warm-up: every path for 2 windows.
for (const t of tasks) {
  const b = new Bench({ time: windowMs * 2, warmup: false })
  b.add(t.id, t.fn)
  await b.run()
}
const p50s = new Map<string, number[]>(tasks.map((t) => [t.id, []]))
const counts = new Map<string, number>()
const cpus = new Map<string, number[]>(tasks.map((t) => [t.id, []]))
for (let w = 0; w < windows; w++) {
  const order = w % 2 === 0 ? tasks : [...tasks].reverse()
  for (const t of order) {
    const b = new Bench({ time: windowMs, warmup: false })
    b.add(t.id, t.fn)
    const c0 = process.cpuUsage()
    await b.run()
    const c1 = process.cpuUsage(c0)
    const r = b.tasks[0]!.result
    if (r.state !== 'completed') throw new Error(`${t.id}: tinybench ended in state ${r.state}`)
    const n = r.latency.samplesCount
    cpus.get(t.id)!.push((c1.user + c1.system) / Math.max(1, n))
    p50s.get(t.id)!.push(r.latency.p50! * 1000)
    counts.set(t.id, (counts.get(t.id) ?? 0) + n)
  }
}
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b)
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2
}
const med = new Map([...p50s].map(([k, v]) => [k, median(v)]))
for (const t of tasks) {
  const xs = p50s.get(t.id)!
  const m = med.get(t.id)!
  console.log(
    `${t.id.padEnd(36)} cpu ${median(cpus.get(t.id)!).toFixed(1).padStart(7)} µs  p50 ${m.toFixed(1).padStart(7)} µs  (windows ${Math.min(...xs).toFixed(1)}–${Math.max(...xs).toFixed(1)})  bad ${t.bad()}  n ${counts.get(t.id)}`,
  )
  // --series: every window's p50 in order, to see a drift (warm-up) across the windows.
  if (values.series) console.log(`  p50 by window: ${xs.map((x) => x.toFixed(0)).join(' ')}`)
}
// Variant − floor: the median of the per-window differences (each pair measured in the same window, so a drift of
// the machine's speed between windows cancels), and the difference of the medians beside it.
for (const v of [...variants, ...variants.map((x) => `${x.split(':')[0]}:public`)]) {
  const xs = p50s.get(v)
  if (!xs) continue
  const rel = (v.endsWith(':public') ? ['floor:public'] : floors)
    .filter((f) => p50s.has(f))
    .map((f) => {
      const fs = p50s.get(f)!
      const d = median(xs.map((x, i) => x - fs[i]!))
      const cv = cpus.get(v)!
      const cf = cpus.get(f)!
      const dc = median(cv.map((x, i) => x - cf[i]!))
      const dm = Math.min(...xs) - Math.min(...fs)
      return `− ${f} = ${d.toFixed(1)} p50 / ${dc.toFixed(1)} cpu / ${dm.toFixed(1)} min-p50`
    })
    .join('   ')
  console.log(`${v.padEnd(36)} ${rel}`)
}
for (const b of new Set(built.map((x) => x.group))) b.close()
await redis?.stop()
for (const d of dirs) removeTempDir(d)
process.exit(0)
