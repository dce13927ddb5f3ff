/**
 * A fixed reference workload for the noise guard's speed check. On a shared host the same code can run 1.5× slower
 * for minutes with no steal time showing in /proc/stat (measured here: a pinned 50 ms SHA-256 loop took 42–56 ms
 * between runs, and an app's GET /public went from 17 to 29 µs p50 within ten minutes). The in-process worker times
 * this workload right before each measured visit; a visit whose reference is far off the run's median ran on a
 * machine of another speed and is flagged (lib/noise.ts says how far, and why not before/after the same visit).
 *
 * The workload mixes what a request does: HMAC-SHA256 of a small buffer (native crypto) and short-lived object
 * allocation (JS, young-generation GC). Best of five ~2 ms repetitions (~2.5 ms each here), so one preemption does not count.
 */
import { createHmac } from 'node:crypto'

const KEY = Buffer.alloc(32, 7)
const MSG = Buffer.alloc(256, 1)

function workload(): number {
  let x = 0
  for (let i = 0; i < 800; i++) x += createHmac('sha256', KEY).update(MSG).digest()[0]!
  const objs: { i: number; s: string }[] = []
  for (let i = 0; i < 4000; i++) objs.push({ i, s: `k${i}` })
  return x + objs.length
}

let sink = 0

/** Nanoseconds of the reference workload: the best of `reps` repetitions. */
export function calibrateNs(reps = 5): number {
  let best = Number.POSITIVE_INFINITY
  for (let r = 0; r < reps; r++) {
    const t0 = process.hrtime.bigint()
    sink += workload()
    const ns = Number(process.hrtime.bigint() - t0)
    if (ns < best) best = ns
  }
  if (sink === -1) console.log(sink) // keeps the workload observable to the optimiser
  return best
}
