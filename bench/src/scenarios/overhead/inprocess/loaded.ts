/**
 * The in-process layer under load (issue 12's "server CPU per request"): after the measured rounds, the same pinned
 * workers drive `app.fetch` with K requests in flight (not one at a time) and report CPU per request from
 * process.cpuUsage(). Why a second pass: the rounds send one request at a time, so a Redis variant pays a whole
 * loopback round trip per request — a socket write, an epoll wake-up and a read, ~40 µs of CPU for node-redis here
 * against a Map lookup's ~1 µs. A loaded server never runs like that: node-redis writes every command issued in one
 * tick with one write and reads their replies together, so the system calls are shared by the requests in flight.
 * The CPU per request with 16 in flight is what a loaded instance pays, and what the Redis goals are judged on.
 * Only the Redis variants and what they are compared with are measured (a warm-up visit, then 3 rounds; ~0.1 s
 * per path each).
 */
import type { Summary } from '../../../lib/stats.js'
import { roundOrders, summarize } from '../../../lib/stats.js'
import type { Cell, Table } from '../../../report/schema.js'
import { publicId } from './build.js'
import type { LoadedResult } from './protocol.js'
import type { InprocWorker } from './workers.js'

export interface LoadedSettings {
  rounds: number
  inFlight: number
  /** Measured requests per path per round (a quarter as many again are thrown away first). */
  requests: number
  /** Slices per path per visit, the paths alternating; the figure is the median slice. */
  chunks: number
}

export const LOADED_DEFAULTS = {
  full: { rounds: 3, inFlight: 16, requests: 1200, chunks: 6 },
  quick: { rounds: 1, inFlight: 16, requests: 300, chunks: 2 },
} as const

/**
 * The targets of the pass, each with the variant it is judged against: the Redis variants, the same apps on their
 * local store, and the floor's Map and Redis routes (the issue's "floor-map + N µs").
 */
export const LOADED_TARGETS: readonly { id: string; sameAppLocal: string | null }[] = [
  { id: 'stateful-memory', sameAppLocal: null },
  { id: 'stateful-sqlite', sameAppLocal: null },
  { id: 'stateful-redis', sameAppLocal: 'stateful-memory' },
  { id: 'stateful-redis-cached', sameAppLocal: 'stateful-memory' },
  { id: 'stateless-hs256-denylist', sameAppLocal: null },
  { id: 'stateless-hs256-denylist-redis', sameAppLocal: 'stateless-hs256-denylist' },
  { id: 'stateless-hs256-denylist-redis-cached', sameAppLocal: 'stateless-hs256-denylist' },
  { id: 'floor-map', sameAppLocal: null },
  { id: 'floor-redis', sameAppLocal: null },
  // The bound under issue 12's goals: hono-sessions over a Map, and SHA-256 + one SQLite statement (the users read
  // F2 requires on every request). No session app built on hono-sessions with F2 can add less than both.
  { id: 'floor-hs-memory', sameAppLocal: null },
  { id: 'floor-sqlite', sameAppLocal: null },
]

/**
 * The least a session app with hono-sessions and the per-request users read can add over floor-map under load: it
 * does at least what floor-hs-memory (hono-sessions + a Map lookup) and floor-sqlite (SHA-256 + one prepared
 * statement) do on top of a request, so (hs-memory − floor-map) + (floor-sqlite − floor-map), CPU medians, all
 * three from the floor worker's visits. Taken against floor-map, not the floor's /public: under load that /public
 * moved by tens of µs between visits (a --quick run had it 29 µs above floor-map). Null when a floor is missing or
 * invalid.
 */
export function sessionAppBound(rows: readonly LoadedRow[]): number | null {
  const cpu = (id: string) => rows.find((r) => r.id === id && r.bad === 0)?.cpuUs?.median
  const [hs, sql, map] = [cpu('floor-hs-memory'), cpu('floor-sqlite'), cpu('floor-map')]
  return hs === undefined || sql === undefined || map === undefined ? null : hs - map + (sql - map)
}

export interface LoadedSample extends LoadedResult {
  round: number
  group: string
  /** The noise guard's reasons for this worker visit (empty = quiet); recorded, not re-run. */
  noise: string[]
}

/** Runs the pass over the workers that serve a loaded target: rounds interleaved, /public measured in every visit. */
export async function measureLoaded(
  workers: readonly InprocWorker[],
  s: LoadedSettings,
  progress: { update(label: string): void },
  guard: (w: InprocWorker) => { stop(): string[] },
): Promise<LoadedSample[]> {
  const wanted = new Set(LOADED_TARGETS.map((t) => t.id))
  const chosen = workers.filter((w) => w.running && w.targets.some((t) => wanted.has(t)))
  const out: LoadedSample[] = []
  // A warm-up visit of every worker first, thrown away: the first concurrent run of a path cost 2–4× the later ones
  // (measured: every /public 100–145 µs in round 1, 25–55 µs in rounds 2 and 3) while V8 re-optimised the
  // request path for many promises in flight.
  for (const w of chosen) {
    progress.update(`in-process under load (${s.inFlight} in flight) warm-up · ${w.spec.id}`)
    await w.loaded(
      [publicId(w.spec.id), ...w.targets.filter((t) => wanted.has(t))],
      s.requests,
      s.inFlight,
      1,
    )
  }
  for (const [r, order] of roundOrders(chosen, s.rounds, 23).entries()) {
    for (const w of order) {
      progress.update(`in-process under load (${s.inFlight} in flight) ${r + 1}/${s.rounds} · ${w.spec.id}`)
      const ids = [publicId(w.spec.id), ...w.targets.filter((t) => wanted.has(t))]
      const sampler = guard(w)
      const res = await w.loaded(ids, s.requests, s.inFlight, s.chunks)
      const noise = sampler.stop()
      for (const x of res) out.push({ ...x, round: r + 1, group: w.spec.id, noise })
    }
  }
  return out
}

export interface LoadedRow {
  id: string
  /** CPU µs per request: the path, and the cost it adds over the same worker's /public (per round, then summarised). */
  cpuUs: Summary | null
  addedUs: Summary | null
  bad: number
  requests: number
  /** Rounds of this target whose visit the noise guard flagged. */
  noisyRounds: number
}

const us = (ns: number) => ns / 1000

/** Per target: its CPU per request and the CPU it adds over /public of the same visit, over rounds. */
export function summarizeLoaded(samples: readonly LoadedSample[]): LoadedRow[] {
  const rows: LoadedRow[] = []
  for (const t of LOADED_TARGETS) {
    const mine = samples.filter((x) => x.target === t.id)
    if (mine.length === 0) continue
    const added = mine.flatMap((x) => {
      const pub = samples.find(
        (p) => p.round === x.round && p.group === x.group && p.target === publicId(x.group),
      )
      return pub ? [us(x.cpuNsPerReq - pub.cpuNsPerReq)] : []
    })
    rows.push({
      id: t.id,
      cpuUs: summarize(mine.map((x) => us(x.cpuNsPerReq))),
      addedUs: added.length > 0 ? summarize(added) : null,
      bad: mine.reduce((n, x) => n + x.bad, 0),
      requests: mine.reduce((n, x) => n + x.n, 0),
      noisyRounds: mine.filter((x) => x.noise.length > 0).length,
    })
  }
  return rows
}

const f1 = (x: number) => x.toFixed(1)
const rng = (s: Summary | null) =>
  s ? (s.n < 2 ? `${f1(s.median)} (1 round)` : `${f1(s.median)} (${f1(s.min)}–${f1(s.max)})`) : '–'
const signed = (x: number) => `${x >= 0 ? '+' : '−'}${f1(Math.abs(x))}`

/** The added CPU of `id` minus that of `other` (medians), or null when either is missing. */
export function addedOver(rows: readonly LoadedRow[], id: string, other: string): number | null {
  const a = rows.find((r) => r.id === id)?.addedUs
  const b = rows.find((r) => r.id === other)?.addedUs
  return a && b ? a.median - b.median : null
}

export function loadedTable(rows: readonly LoadedRow[], s: LoadedSettings): Table | null {
  if (rows.length === 0) return null
  const body: Cell[][] = rows.map((r) => {
    const t = LOADED_TARGETS.find((x) => x.id === r.id)
    const overMap = r.id === 'floor-map' ? null : addedOver(rows, r.id, 'floor-map')
    const overLocal = t?.sameAppLocal ? addedOver(rows, r.id, t.sameAppLocal) : null
    return [
      r.id,
      r.bad > 0 ? `INVALID (${r.bad} non-200)` : rng(r.cpuUs),
      rng(r.addedUs),
      overMap === null ? '–' : signed(overMap),
      overLocal === null || !t?.sameAppLocal ? '–' : `${signed(overLocal)} (vs ${t.sameAppLocal})`,
      r.requests,
      r.noisyRounds,
    ]
  })
  return {
    title: `Under load: server CPU per request with ${s.inFlight} requests in flight (in-process, µs, median of ${s.rounds} round(s), min–max)`,
    columns: [
      'variant',
      'CPU µs/req',
      'added over its /public',
      'added − floor-map added',
      'added − the same app on its local store',
      'requests measured',
      'rounds the noise guard flagged',
    ],
    rows: body,
    notes: [
      ...boundNote(rows),
      `The same pinned workers as the rounds above, driven with ${s.inFlight} app.fetch calls in flight instead of one at a time; CPU = process.cpuUsage() (all threads) ÷ requests, per visit the median of ${s.chunks} slices with the paths alternating (a GC landing in one slice does not move it). Redis runs in its own process on the other core: its CPU is not in these figures. Each visit is watched by the same noise guard as the rounds (flagged visits are counted here, not re-run).`,
      'One request at a time (the rounds above), a Redis variant pays a whole loopback round trip per request (~40 µs of CPU for a node-redis GET here: a write, a wake-up, a read). A loaded instance shares those system calls: node-redis sends every command issued in one tick with one write and reads the replies together. This table is the CPU a loaded instance pays per request.',
    ],
  }
}

/** Issue 12's CPU goals against the bound this run measured (sessionAppBound), for the Redis session variants. */
function boundNote(rows: readonly LoadedRow[]): string[] {
  const bound = sessionAppBound(rows)
  if (bound === null) return []
  const over = (id: string) => addedOver(rows, id, 'floor-map')
  const line = (id: string, goal: number) => {
    const x = over(id)
    return x === null ? null : `${id} ${signed(x)} µs (goal ≤ +${goal})`
  }
  const got = [line('stateful-redis', 25), line('stateful-redis-cached', 10)].filter((x) => x !== null)
  return [
    `The floor under any session app on hono-sessions that reads the users row on every request (F2): (floor-hs-memory − floor-map) + (floor-sqlite − floor-map) = ${signed(bound)} µs over floor-map in this run (hono-sessions over a Map, and SHA-256 + one prepared SQLite statement). Issue 12's goals are set against floor-map alone${got.length > 0 ? `; this run: ${got.join(', ')}` : ''}. A goal below this floor cannot be met by the store: only by dropping hono-sessions or the users read.`,
  ]
}
