/**
 * Named figures read back from a results.json: the numbers the summary, the capacity model and docs/choosing.md
 * quote. Each reader looks at one experiment's `raw` (the source of every number in its tables) and returns null
 * when the experiment is missing, failed, or has another shape — a figure is never guessed.
 */
import { summarize } from '../lib/stats.js'
import type { ExperimentResult, ResultsFile } from './schema.js'

/** A median with the range it came from (min–max over rounds or readings). */
export interface Spread {
  median: number
  min: number
  max: number
}

export interface OverheadFigures {
  /** Server CPU µs for one GET /me, whole request. */
  cpuUs: Spread
  /** Server CPU µs a GET /me costs over GET /public on the same server: what the auth mechanism adds. */
  cpuAddedUs: Spread
  /** req/s of GET /me ÷ req/s of GET /public. */
  ratio: Spread
  /**
   * In-process µs a GET /me adds over GET /public (the layer the verdicts use: median request per round, min–max
   * over rounds); null when the run has no in-process layer (results from before it).
   */
  inprocAddedUs: Spread | null
  readsPerReq: number
  writesPerReq: number
  credentialBytes: number
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null)

function spread(v: unknown): Spread | null {
  if (!isObj(v)) return null
  const median = num(v.median)
  const min = num(v.min)
  const max = num(v.max)
  return median === null || min === null || max === null ? null : { median, min, max }
}

export function experiment(results: ResultsFile, id: string): ExperimentResult | null {
  const e = results.experiments.find((x) => x.id === id)
  return e && !e.error ? e : null
}

/**
 * Per valid in-process variant: the µs a GET /me adds over GET /public (median, min–max over rounds): the layer the
 * overhead verdicts are decided on. Independent of the HTTP layer, whose validity does not touch these verdicts.
 */
export function inprocessAdded(results: ResultsFile): Map<string, Spread> {
  const out = new Map<string, Spread>()
  const raw = experiment(results, 'overhead')?.raw
  for (const v of isObj(raw) && Array.isArray(raw.inprocess) ? raw.inprocess : []) {
    if (!isObj(v) || v.valid !== true || typeof v.id !== 'string') continue
    const ns = spread(v.addedNs)
    if (ns) out.set(v.id, { median: ns.median / 1000, min: ns.min / 1000, max: ns.max / 1000 })
  }
  return out
}

/** Per valid overhead variant (stateful-sqlite, stateless-hs256-none, …): its HTTP-layer figures. */
export function overheadFigures(results: ResultsFile): Map<string, OverheadFigures> {
  const out = new Map<string, OverheadFigures>()
  const raw = experiment(results, 'overhead')?.raw
  if (!isObj(raw) || !Array.isArray(raw.variants)) return out
  const inproc = inprocessAdded(results)
  for (const v of raw.variants) {
    if (!isObj(v) || v.valid !== true || typeof v.id !== 'string') continue
    const cpuUs = spread(v.cpuUs)
    const cpuAddedUs = spread(v.cpuAddedUs)
    const ratio = spread(v.ratio)
    if (!cpuUs || !cpuAddedUs || !ratio) continue
    out.set(v.id, {
      cpuUs,
      cpuAddedUs,
      ratio,
      inprocAddedUs: inproc.get(v.id) ?? null,
      readsPerReq: num(v.readsPerReq) ?? 0,
      writesPerReq: num(v.writesPerReq) ?? 0,
      credentialBytes: num(v.credentialBytes) ?? 0,
    })
  }
  return out
}

export interface MemoryFigures {
  /** Heap bytes per session (slope between the first reading with sessions and the last), per configuration. */
  heapBytesPerSession: Map<string, number>
  /** ± bytes per session the method can resolve: the heap's run-to-run noise spread over the sessions added. */
  resolutionBytes: number
  sessions: number
}

/** The heap's run-to-run noise after a full GC (code, caches): the memory scenario's own NOISE_MIB. */
export const HEAP_NOISE_BYTES = 2 * 1024 * 1024

interface MemoryPointLike {
  config: string
  sessions: number
  heapUsedBytes: number | null
}

export function memoryFigures(results: ResultsFile): MemoryFigures | null {
  const raw = experiment(results, 'memory')?.raw
  if (!isObj(raw) || !Array.isArray(raw.points)) return null
  const points = raw.points.filter(
    (p): p is MemoryPointLike => isObj(p) && typeof p.config === 'string' && num(p.sessions) !== null,
  )
  const heap = new Map<string, number>()
  let window = Number.POSITIVE_INFINITY
  let sessions = 0
  for (const id of new Set(points.map((p) => p.config))) {
    const mine = points.filter((p) => p.config === id && p.sessions > 0 && num(p.heapUsedBytes) !== null)
    const first = mine[0]
    const last = mine.at(-1)
    if (!first || !last || last.sessions === first.sessions) continue
    heap.set(id, ((last.heapUsedBytes ?? 0) - (first.heapUsedBytes ?? 0)) / (last.sessions - first.sessions))
    window = Math.min(window, last.sessions - first.sessions)
    sessions = Math.max(sessions, last.sessions)
  }
  if (heap.size === 0) return null
  return { heapBytesPerSession: heap, resolutionBytes: HEAP_NOISE_BYTES / window, sessions }
}

/** Share (0–1) of users still logged in after a restart, worst signal, per configuration. */
export function restartFigures(results: ResultsFile): Map<string, { okAfter: Spread }> {
  const out = new Map<string, { okAfter: Spread }>()
  const raw = experiment(results, 'restart')?.raw
  if (!isObj(raw) || !Array.isArray(raw.rows)) return out
  const by = new Map<string, number[]>()
  for (const r of raw.rows) {
    if (!isObj(r) || typeof r.config !== 'string' || num(r.okAfter) === null) continue
    by.set(r.config, [...(by.get(r.config) ?? []), r.okAfter as number])
  }
  for (const [k, xs] of by)
    out.set(k, { okAfter: { median: Math.min(...xs), min: Math.min(...xs), max: Math.max(...xs) } })
  return out
}

/** Share (0–1) of /me answered 2xx through the balancer, per `config/policy`. */
export function lbFigures(results: ResultsFile): Map<string, number> {
  const out = new Map<string, number>()
  const raw = experiment(results, 'lb')?.raw
  if (!isObj(raw) || !Array.isArray(raw.cells)) return out
  for (const c of raw.cells) {
    if (
      isObj(c) &&
      typeof c.config === 'string' &&
      typeof c.policy === 'string' &&
      num(c.ok2xxShare) !== null
    )
      out.set(`${c.config}/${c.policy}`, c.ok2xxShare as number)
  }
  return out
}

export interface RevocationFigures {
  accessTtlSec: number | null
  /** Per mode: seconds an old credential stayed accepted after the event (over events and devices), and replays. */
  modes: Map<string, { acceptedForSec: Spread; accepted: Spread }>
}

export function revocationFigures(results: ResultsFile): RevocationFigures | null {
  const raw = experiment(results, 'revocation')?.raw
  if (!isObj(raw) || !Array.isArray(raw.rows)) return null
  const ttl = isObj(raw.sizes) ? num(raw.sizes.accessTtlSec) : null
  const by = new Map<string, { secs: number[]; accepted: number[] }>()
  for (const r of raw.rows) {
    if (!isObj(r) || typeof r.mode !== 'string' || num(r.acceptedForMs) === null) continue
    const m = by.get(r.mode) ?? { secs: [], accepted: [] }
    m.secs.push((r.acceptedForMs as number) / 1000)
    m.accepted.push(num(r.accepted) ?? 0)
    by.set(r.mode, m)
  }
  const range = (xs: number[]): Spread => {
    const s = [...xs].sort((a, b) => a - b)
    return { median: s[Math.floor((s.length - 1) / 2)] ?? 0, min: s[0] ?? 0, max: s.at(-1) ?? 0 }
  }
  const modes = new Map(
    [...by].map(([k, m]) => [k, { acceptedForSec: range(m.secs), accepted: range(m.accepted) }]),
  )
  return modes.size === 0 ? null : { accessTtlSec: ttl, modes }
}

/** C11: JWT forgery cases the naive verifier accepted vs the stateless app, from the contrast table. */
export function attackFigures(
  results: ResultsFile,
): { cases: number; naiveAccepted: number; appAccepted: number } | null {
  const e = experiment(results, 'attacks')
  const t = e?.tables.find((x) => x.columns.includes('naive verifier'))
  if (!t) return null
  const app = t.columns.indexOf('stateless app')
  const naive = t.columns.indexOf('naive verifier')
  const accepted = (v: unknown) => typeof v === 'string' && /^accepted/i.test(v)
  return {
    cases: t.rows.length,
    naiveAccepted: t.rows.filter((r) => accepted(r[naive])).length,
    appAccepted: t.rows.filter((r) => accepted(r[app])).length,
  }
}

export interface StormFigures {
  /** Clients whose tokens were issued at once, and came back together in wave 2. */
  clients: number
  /** Highest rate (/s) at which those clients asked for a refresh in wave 2 without jitter (busiest bucket). */
  peakPerSec: number
  /** The effective window: clients ÷ peak rate — the width of a flat wave that would peak as high. */
  windowSec: number
}

/** The storm experiment's no-jitter wave 2 (the tokens issued at once coming back), or null without one. */
export function stormFigures(results: ResultsFile): StormFigures | null {
  const raw = experiment(results, 'storm')?.raw
  if (!isObj(raw) || !Array.isArray(raw.cases)) return null
  const plain = raw.cases.find((c): c is Record<string, unknown> => isObj(c) && c.jitterSec === 0)
  const wave = plain && isObj(plain.wave2) ? plain.wave2 : null
  const clients = num(wave?.requests)
  const peakPerSec = num(wave?.peakDuePerSec)
  if (clients === null || peakPerSec === null || clients <= 0 || peakPerSec <= 0) return null
  return { clients, peakPerSec, windowSec: clients / peakPerSec }
}

/** Each storm case's second wave (the tokens coming back at their exp): jitter, peak asked-for rate, failures. */
export function stormWaves(
  results: ResultsFile,
): { jitterSec: number; peakDuePerSec: number; failed: number }[] {
  const raw = experiment(results, 'storm')?.raw
  if (!isObj(raw) || !Array.isArray(raw.cases)) return []
  return raw.cases.flatMap((c) => {
    const w = isObj(c) && isObj(c.wave2) ? c.wave2 : null
    const jitterSec = isObj(c) ? num(c.jitterSec) : null
    const peakDuePerSec = num(w?.peakDuePerSec)
    if (!w || jitterSec === null || peakDuePerSec === null) return []
    return [{ jitterSec, peakDuePerSec, failed: (num(w.non2xx) ?? 0) + (num(w.errors) ?? 0) }]
  })
}

/** One row of the reuse race (C7) as results.json carries it. */
export interface ReuseRowFigure {
  graceSec: number
  revocation: string
  order: string
  attackerTokens: number
  victimLoggedOut: boolean
  familyDied: boolean
}

/** The reuse experiment's rows (C7), or an empty list. */
export function reuseFigures(results: ResultsFile): ReuseRowFigure[] {
  const raw = experiment(results, 'reuse')?.raw
  if (!isObj(raw) || !Array.isArray(raw.rows)) return []
  return raw.rows.flatMap((r) => {
    if (!isObj(r)) return []
    const graceSec = num(r.graceSec)
    const attackerTokens = num(r.attackerTokens)
    if (graceSec === null || attackerTokens === null || typeof r.order !== 'string') return []
    return [
      {
        graceSec,
        revocation: typeof r.revocation === 'string' ? r.revocation : '',
        order: r.order,
        attackerTokens,
        victimLoggedOut: r.victimLoggedOut === true,
        familyDied: num(r.familyDiedMs) !== null,
      },
    ]
  })
}

/** One ACCESS_TTL of the TTL sweep (C8). `cpuResolved` is false where the CPU sat within the method's ticks. */
export interface TtlFigure {
  ttlSec: number
  refreshesPerSec: number
  cores: number
  cpuResolved: boolean
  exposureSec: number
}

/** The TTL sweep's rows (C8), shortest TTL first, or an empty list. */
export function ttlFigures(results: ResultsFile): TtlFigure[] {
  const raw = experiment(results, 'ttl')?.raw
  if (!isObj(raw) || !Array.isArray(raw.rows)) return []
  return raw.rows
    .flatMap((r) => {
      if (!isObj(r) || r.valid !== true) return []
      const ttlSec = num(r.ttlSec)
      const refreshesPerSec = num(r.targetRps)
      const cores = num(r.cores)
      const exposureSec = num(r.exposureSec)
      if (ttlSec === null || refreshesPerSec === null || cores === null || exposureSec === null) return []
      // Rows written before the resolution was recorded: resolved unless the CPU is under one tick per second.
      const resolution = num(r.resolutionCores) ?? 0.005
      return [{ ttlSec, refreshesPerSec, cores, cpuResolved: cores > resolution, exposureSec }]
    })
    .sort((a, b) => a.ttlSec - b.ttlSec)
}

/** The size sweep's smallest and largest JWT (C9): claims bytes, request bytes, CPU µs per request, req/s. */
export function sizeFigures(results: ResultsFile): { small: SizePoint; large: SizePoint } | null {
  const raw = experiment(results, 'size')?.raw
  const points = isObj(raw) && isObj(raw.measurement) ? raw.measurement.points : null
  if (!Array.isArray(points)) return null
  const jwt = points
    .flatMap((p): SizePoint[] => {
      if (!isObj(p) || p.app !== 'stateless' || num(p.non2xx) !== 0 || num(p.errors) !== 0) return []
      const dataBytes = num(p.dataBytes)
      const requestBytes = num(p.requestBytes)
      const cpuUsPerReq = num(p.cpuUsPerReq)
      const rps = num(p.rps)
      if (dataBytes === null || requestBytes === null || cpuUsPerReq === null || rps === null) return []
      const rounds = (Array.isArray(p.cpuUsByRound) ? p.cpuUsByRound : []).flatMap((x) => {
        const v = num(x)
        return v === null ? [] : [v]
      })
      const cpuRange: [number, number] | null =
        rounds.length > 1 ? [Math.min(...rounds), Math.max(...rounds)] : null
      return [{ dataBytes, requestBytes, cpuUsPerReq, rps, cpuRange }]
    })
    .sort((a, b) => a.dataBytes - b.dataBytes)
  const small = jwt[0]
  const large = jwt.at(-1)
  return small && large && large.dataBytes > small.dataBytes ? { small, large } : null
}

export interface SizePoint {
  dataBytes: number
  requestBytes: number
  /** Median over the rounds (the single reading in files from before the rounds). */
  cpuUsPerReq: number
  rps: number
  /** min–max of CPU µs per request over the rounds; null with fewer than two. */
  cpuRange: [number, number] | null
}

/** Key rotation under load: failed requests across `keys rotate`, and when the JWKS verifier took the new key. */
export function rotationFigures(results: ResultsFile): {
  configs: number
  failed: number
  responses: number
  verifierPickupMs: Spread | null
  /** Valid new-key tokens the JWKS verifier refused before it took the new key (why rotation reads "mixed"). */
  verifierRefusals: number
} | null {
  const raw = experiment(results, 'rotation')?.raw
  if (!isObj(raw) || !Array.isArray(raw.rows) || raw.rows.length === 0) return null
  let failed = 0
  let responses = 0
  const pickups: number[] = []
  let verifierRefusals = 0
  for (const r of raw.rows) {
    if (!isObj(r)) continue
    verifierRefusals += num(r.verifierRefusals) ?? 0
    const load = isObj(r.load) ? r.load : {}
    failed += (num(load.non2xx) ?? 0) + (num(load.errors) ?? 0) + (num(load.timeouts) ?? 0)
    responses += num(load.responses) ?? 0
    const p = num(r.verifierPickupMs)
    if (p !== null) pickups.push(p)
  }
  return {
    configs: raw.rows.length,
    failed,
    responses,
    verifierPickupMs: summarize(pickups),
    verifierRefusals,
  }
}
