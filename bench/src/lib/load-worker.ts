/**
 * The load generator's own process: receives LoadOptions over IPC, runs autocannon, answers with a LoadResult.
 * Keeping autocannon out of the harness process (and off the server's core) is what keeps the numbers honest.
 * Started by load.ts; not meant to be run by hand.
 */
import autocannon from 'autocannon'
import type { LoadOptions, LoadResult, TimeBucket } from './load-types.js'
import type { OpenLoopOptions } from './open-loop.js'
import { runOpenLoop } from './open-loop.js'

type Request =
  | { id: number; options: LoadOptions }
  | { id: number; openLoop: OpenLoopOptions }
  | { stop: true }

/** The autocannon run in progress, so a `{stop: true}` message can end it early (results so far are kept). */
let current: autocannon.Instance | null = null

function runAutocannon(o: LoadOptions, durationSec: number, series: boolean) {
  let next = 0
  const creds = o.credentials ?? []
  const bucketMs = o.bucketMs ?? 100
  const buckets: TimeBucket[] = []
  const startedAt = Date.now()
  const bucket = () => {
    const i = Math.floor((Date.now() - startedAt) / bucketMs)
    while (buckets.length <= i)
      buckets.push({ t: buckets.length * bucketMs, ok: 0, unauthorized: 0, otherNon2xx: 0, errors: 0 })
    return buckets[i]!
  }
  return new Promise<{ result: autocannon.Result; series?: LoadResult['timeSeries'] }>((resolve, reject) => {
    const instance = autocannon(
      {
        url: o.url,
        method: (o.method ?? 'GET') as autocannon.Request['method'],
        connections: o.connections,
        duration: durationSec,
        timeout: o.timeoutSec ?? 10,
        headers: o.headers,
        body: o.body,
        // Stop checks run on every sample tick: 100 ms keeps short runs close to their nominal length.
        sampleInt: 100,
        setupClient:
          creds.length > 0
            ? (client) => {
                client.setHeaders({ ...o.headers, ...creds[next++ % creds.length] })
              }
            : undefined,
      } as autocannon.Options,
      (err, result) => {
        current = null
        if (err) reject(err)
        else resolve({ result, series: series ? { bucketMs, startedAt, buckets } : undefined })
      },
    )
    current = instance
    if (series) {
      instance.on('response', (_client, status) => {
        const b = bucket()
        if (status >= 200 && status < 300) b.ok++
        else if (status === 401) b.unauthorized++
        else b.otherNon2xx++
      })
      instance.on('reqError', () => {
        bucket().errors++
      })
    }
  })
}

async function run(o: LoadOptions): Promise<LoadResult> {
  if ((o.warmupSec ?? 0) > 0) await runAutocannon(o, o.warmupSec!, false)
  const { result: r, series } = await runAutocannon(o, o.durationSec, o.timeSeries === true)
  const statusCounts: Record<string, number> = {}
  for (const [code, v] of Object.entries(r.statusCodeStats ?? {}))
    statusCounts[code] = (v as { count: number }).count
  const ok2xx = r['2xx']
  return {
    url: o.url,
    connections: o.connections,
    durationSec: r.duration,
    responses: r['1xx'] + r['2xx'] + r['3xx'] + r['4xx'] + r['5xx'],
    ok2xx,
    non2xx: r.non2xx,
    errors: r.errors,
    timeouts: r.timeouts,
    statusCounts,
    rps2xx: r.duration > 0 ? ok2xx / r.duration : 0,
    latencyMs: {
      p50: r.latency.p50,
      p97_5: r.latency.p97_5,
      p99: r.latency.p99,
      mean: r.latency.mean,
      max: r.latency.max,
    },
    timeSeries: series,
  }
}

process.on('message', (msg: Request) => {
  if ('stop' in msg) {
    current?.stop()
    return
  }
  const job = 'openLoop' in msg ? runOpenLoop(msg.openLoop) : run(msg.options)
  job.then(
    (result) => process.send?.({ id: msg.id, result }),
    (err: unknown) => process.send?.({ id: msg.id, error: err instanceof Error ? err.message : String(err) }),
  )
})
process.on('disconnect', () => process.exit(0))
process.send?.({ ready: true })
