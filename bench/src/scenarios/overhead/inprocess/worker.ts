/**
 * The in-process worker: one per server configuration (an app variant, or the floor), pinned to one core by the
 * harness once built. It builds the app (build.ts) and measures `app.fetch(new Request(…))` per path with tinybench
 * on request — no socket, no load generator on the core. Started by workers.ts; not meant to be run by hand.
 */
import { writeFileSync } from 'node:fs'
import { Session } from 'node:inspector/promises'
import { Bench } from 'tinybench'
import { calibrateNs } from '../../../lib/calibrate.js'
import type { BuiltGroup } from './build.js'
import { buildGroup } from './build.js'
import type { LoadedResult, PathResult, SettleResult, WorkerCall, WorkerReply } from './protocol.js'

let group: BuiltGroup | null = null
let profiler: Session | null = null

function builtGroup(): BuiltGroup {
  if (!group) throw new Error('no group built')
  return group
}

/** A target of the built group and the URL its requests go to (app.fetch never opens it). */
function target(g: BuiltGroup, id: string) {
  const t = g.targets.find((x) => x.id === id)
  if (!t) throw new Error(`unknown target ${id}`)
  return { t, url: `http://127.0.0.1${t.path}` }
}

/**
 * Each path of `order` called one request at a time until `requests` have run or `maxMs` has passed, results thrown
 * away. Why: an app's hot path keeps getting faster for its first ~15,000 requests, not its first few hundred. Run
 * with probe-cli.ts --series, 200 ms windows one after another: HS256 /me took 96 µs per request for 1.4 s, then
 * 82 µs from there on; stateful-redis went from 371 to ~180 µs over 2 s; floor-redis from 122 to 96 µs. A 300 ms
 * warm-up left that drift inside the rounds, where it read as noise: on one subset run, 2 s of warm-up per path cut
 * the between-round spread of HS256 from 19 % to 6 %, of the SQLite session from 31 % to 7 %, of floor-jose from
 * 22 % to 4 %, of stateful-redis from 51 % to 22 %. Counting requests, not time, keeps it short for the cheap paths
 * (15,000 requests of a 15 µs /public are 0.2 s of CPU). It runs at setup, before the worker is pinned, two workers
 * at once (results.json raw.settled has what each path ran).
 */
async function settlePaths(
  order: readonly string[],
  requests: number,
  maxMs: number,
): Promise<SettleResult[]> {
  const g = builtGroup()
  const out: SettleResult[] = []
  for (const id of order) {
    const { t, url } = target(g, id)
    const t0 = performance.now()
    let n = 0
    while (n < requests && performance.now() - t0 < maxMs) {
      const res = await g.fetch(new Request(url, { headers: t.headers[n++ % t.headers.length] }))
      if (res.status !== 200) throw new Error(`${id}: warm-up request answered ${res.status}`)
    }
    out.push({ target: id, requests: n, ms: Math.round(performance.now() - t0) })
  }
  return out
}

/**
 * One worker visit: every path of `order` warmed (thrown away), then measured in `chunks` slices of
 * timeMs / chunks each, the paths alternating forward and backward (A B, B A, A B, …), each slice's samples kept.
 * Why slices: the host changes speed over seconds (no steal shows); measured in one block, /public and the path ran
 * 200 ms apart and a speed change between the two blocks moved their ratio. Interleaved, a drift slower than a
 * slice hits both paths alike. Per path: the median and mean of all its samples, p99, the mean's 95 % CI, and the
 * CPU the process used over its slices.
 */
async function measureVisit(
  order: readonly string[],
  timeMs: number,
  warmupMs: number,
  chunks: number,
): Promise<PathResult[]> {
  const g = builtGroup()
  const paths = order.map((id) => {
    const { t, url } = target(g, id)
    const statuses: Record<string, number> = {}
    let i = 0
    const fn = async () => {
      const res = await g.fetch(new Request(url, { headers: t.headers[i++ % t.headers.length] }))
      const code = String(res.status)
      statuses[code] = (statuses[code] ?? 0) + 1
    }
    return { id, fn, statuses, samples: [] as number[], cpuUs: 0 }
  })
  for (const p of paths) {
    if (warmupMs <= 0) continue
    const warm = new Bench({ time: warmupMs, iterations: 1, warmup: false })
    warm.add(p.id, p.fn)
    await warm.run()
    for (const k of Object.keys(p.statuses)) delete p.statuses[k]
  }
  const slice = timeMs / Math.max(1, chunks)
  for (let c = 0; c < Math.max(1, chunks); c++) {
    for (const p of c % 2 === 0 ? paths : [...paths].reverse()) {
      const bench = new Bench({ time: slice, iterations: 4, warmup: false, retainSamples: true })
      bench.add(p.id, p.fn)
      const c0 = process.cpuUsage()
      await bench.run()
      const c1 = process.cpuUsage(c0)
      const r = bench.tasks[0]!.result
      if (r.state !== 'completed') throw new Error(`${p.id}: tinybench ended in state ${r.state}`)
      const kept = r.latency.samples
      if (!kept) throw new Error(`${p.id}: tinybench kept no samples`)
      for (const x of kept) p.samples.push(x)
      p.cpuUs += c1.user + c1.system
    }
  }
  const ms = 1e6 // tinybench reports milliseconds
  return paths.map((p) => {
    const xs = [...p.samples].sort((a, b) => a - b)
    const n = xs.length
    const mean = xs.reduce((s, x) => s + x, 0) / Math.max(1, n)
    const sd = Math.sqrt(xs.reduce((s, x) => s + (x - mean) ** 2, 0) / Math.max(1, n - 1))
    const at = (q: number) => xs[Math.min(n - 1, Math.max(0, Math.ceil(q * n) - 1))] ?? 0
    return {
      target: p.id,
      n,
      meanNs: mean * ms,
      // Thousands of samples: Student's t at 97.5 % is 1.96 to three figures.
      moeNs: ((1.96 * sd) / Math.sqrt(Math.max(1, n))) * ms,
      p50Ns: (n % 2 === 1 ? at(0.5) : ((xs[n / 2 - 1] ?? 0) + (xs[n / 2] ?? 0)) / 2) * ms,
      p99Ns: at(0.99) * ms,
      cpuNsPerReq: (p.cpuUs * 1000) / Math.max(1, n),
      bad: Object.entries(p.statuses).reduce((s, [code, k]) => s + (code === '200' ? 0 : k), 0),
      statuses: { ...p.statuses },
    }
  })
}

/**
 * The visit's paths with `inFlight` requests at once (loaded.ts): `inFlight` loops share one counter, each awaiting
 * its response before the next, so exactly that many are in flight. Each path first gets a quarter of `requests`,
 * thrown away; then `chunks` slices of requests / chunks, the paths alternating (A B, B A, …). Per path the figure is
 * its median slice, for the reason the rounds use the median request: a major GC lands in one window and not the
 * next (the mean over all slices is kept beside it).
 */
async function measureLoadedVisit(
  order: readonly string[],
  requests: number,
  inFlight: number,
  chunks: number,
): Promise<LoadedResult[]> {
  const g = builtGroup()
  const paths = order.map((id) => ({ id, ...target(g, id), bad: 0, cpu: [] as number[], wallMs: 0, n: 0 }))
  const drive = async (p: (typeof paths)[number], n: number) => {
    let i = 0
    const loop = async () => {
      while (i < n) {
        const res = await g.fetch(new Request(p.url, { headers: p.t.headers[i++ % p.t.headers.length] }))
        if (res.status !== 200) p.bad++
        await res.arrayBuffer()
      }
    }
    await Promise.all(Array.from({ length: inFlight }, loop))
  }
  for (const p of paths) {
    await drive(p, Math.ceil(requests / 4))
    p.bad = 0
  }
  const per = Math.max(1, Math.round(requests / Math.max(1, chunks)))
  for (let c = 0; c < Math.max(1, chunks); c++) {
    for (const p of c % 2 === 0 ? paths : [...paths].reverse()) {
      const c0 = process.cpuUsage()
      const t0 = performance.now()
      await drive(p, per)
      p.wallMs += performance.now() - t0
      const c1 = process.cpuUsage(c0)
      p.cpu.push(((c1.user + c1.system) * 1000) / per)
      p.n += per
    }
  }
  return paths.map((p) => {
    const xs = [...p.cpu].sort((a, b) => a - b)
    const mid = xs.length >> 1
    const median = xs.length % 2 === 1 ? (xs[mid] ?? 0) : ((xs[mid - 1] ?? 0) + (xs[mid] ?? 0)) / 2
    return {
      target: p.id,
      n: p.n,
      inFlight,
      cpuNsPerReq: median,
      cpuMeanNsPerReq: xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length),
      wallNsPerReq: (p.wallMs * 1e6) / Math.max(1, p.n),
      bad: p.bad,
    }
  })
}

async function handle(msg: WorkerCall): Promise<unknown> {
  switch (msg.op) {
    case 'setup':
      group = await buildGroup(msg.spec, msg.users, msg.dir)
      // Optimise the reference workload before any round times it (its first runs are interpreted).
      for (let i = 0; i < 20; i++) calibrateNs(1)
      return group.targets.map((t) => t.id)
    case 'settle':
      return settlePaths(msg.order, msg.requests, msg.maxMs)
    case 'measure':
      return measureVisit(msg.order, msg.timeMs, msg.warmupMs, msg.chunks ?? 1)
    case 'loaded':
      return measureLoadedVisit(msg.order, msg.requests, msg.inFlight, msg.chunks ?? 1)
    case 'calibrate':
      // A pause first: after a measured path (this worker's or the previous worker's) V8's concurrent GC and
      // compiler threads, pinned to this core, may still be finishing; they would slow the reference.
      await new Promise((r) => setTimeout(r, 100))
      return calibrateNs()
    case 'profile-start':
      profiler = new Session()
      profiler.connect()
      await profiler.post('Profiler.enable')
      await profiler.post('Profiler.start')
      return true
    case 'profile-stop': {
      if (!profiler) throw new Error('no profile running')
      const { profile } = await profiler.post('Profiler.stop')
      writeFileSync(msg.file, JSON.stringify(profile))
      profiler.disconnect()
      profiler = null
      return msg.file
    }
  }
}

const send = (m: WorkerReply) => process.send?.(m)
process.on('message', (msg: WorkerCall) => {
  handle(msg).then(
    (result) => send({ id: msg.id, result }),
    (err: unknown) => send({ id: msg.id, error: err instanceof Error ? err.message : String(err) }),
  )
})
process.on('disconnect', () => {
  group?.close()
  process.exit(0)
})
send({ ready: true })
