/**
 * Verdicts and the cost decomposition, from the in-process layer (ns per request through `app.fetch`, per round,
 * /me minus the same worker's /public). The HTTP layer's throughput ratio and server CPU are quoted beside, never
 * decided on. The rule is lib/evidence.ts: a difference must exceed the between-round spread in every round of a
 * run that passed the noise guard; a --quick run prints figures only.
 */
import type { Decision, Gate } from '../../lib/evidence.js'
import { decide, gateNote } from '../../lib/evidence.js'
import type { Summary } from '../../lib/stats.js'
import { summarize } from '../../lib/stats.js'
import type { Verdict } from '../../report/schema.js'
import type { InprocVariant } from './inprocess/summary.js'
import type { VariantSummary } from './summary.js'

/** What the verdicts know about one variant, in µs. */
export interface Ev {
  id: string
  family: 'stateful' | 'stateless' | 'floor'
  /** In-process: GET of the variant minus GET /public in the same worker visit, per round (µs). */
  byRound: (number | null)[]
  added: Summary
  /** In-process µs per request of the variant's path, and of its worker's /public. */
  total: Summary
  publicUs: Summary
  /** HTTP layer, quoted beside the in-process figures (null when that layer did not run or was invalid). */
  httpRatio: Summary | null
  httpCpuAdded: Summary | null
  readsPerReq: number | null
}

const scale = (s: Summary | null, k: number): Summary | null =>
  s && { ...s, median: s.median * k, min: s.min * k, max: s.max * k }

/** Joins the two layers per variant; only variants valid in-process carry evidence. */
export function evidenceFrom(inproc: readonly InprocVariant[], http: readonly VariantSummary[]): Ev[] {
  return inproc
    .filter((v) => v.valid && v.addedNs && v.nsPerReq && v.publicNs)
    .map((v) => {
      const h = http.find((x) => x.id === v.id && x.valid)
      return {
        id: v.id,
        family: v.family,
        byRound: v.addedByRound.map((x) => (x === null ? null : x / 1000)),
        added: scale(v.addedNs, 1e-3)!,
        total: scale(v.nsPerReq, 1e-3)!,
        publicUs: scale(v.publicNs, 1e-3)!,
        httpRatio: h?.ratio ?? null,
        httpCpuAdded: h?.cpuAddedUs ?? null,
        readsPerReq: h?.readsPerReq ?? null,
      }
    })
}

/**
 * Raw mechanism floors (no library) and library floors (the library alone, minimal setup) per app variant: the
 * floor routes' added costs are summed per round; an id written `-floor-x` is subtracted.
 */
export const MECHANISM: Record<string, string[]> = {
  // The memory store keeps the session in a Map but the app still reads the user row from SQLite.
  'stateful-memory': ['floor-map', 'floor-sqlite'],
  'stateful-sqlite': ['floor-sqlite'],
  'stateless-hs256-none': ['floor-hmac'],
  'stateless-hs256-denylist': ['floor-hmac', 'floor-sqlite'],
  'stateless-hs256-version': ['floor-hmac', 'floor-sqlite'],
  'stateless-rs256': ['floor-rs256'],
  'stateless-es256': ['floor-es256'],
  'stateless-eddsa': ['floor-eddsa'],
  // Issue 12: Redis. The session read is one Redis GET-sized hop; the users row is still read from SQLite.
  'stateful-redis': ['floor-redis', 'floor-sqlite'],
  // A client-cache hit is a Map lookup in process memory (plus the users row).
  'stateful-redis-cached': ['floor-map', 'floor-sqlite'],
  'stateless-hs256-denylist-redis': ['floor-hmac', 'floor-redis'],
  // A client-cache hit on the deny-list answers EXISTS from process memory: a Map lookup.
  'stateless-hs256-denylist-redis-cached': ['floor-hmac', 'floor-map'],
}
export const LIBRARY_FLOOR: Record<string, string[]> = {
  'stateful-memory': ['floor-hs-memory', 'floor-sqlite'],
  'stateful-sqlite': ['floor-hs-sqlite'],
  'stateless-hs256-none': ['floor-jose'],
  'stateless-hs256-denylist': ['floor-jose', 'floor-sqlite'],
  'stateless-hs256-version': ['floor-jose', 'floor-sqlite'],
  'stateless-rs256': ['floor-jose-rs256'],
  'stateless-es256': ['floor-jose-es256'],
  'stateless-eddsa': ['floor-jose-eddsa'],
  // The cache variants (issue 11 items 7–8): the floor each must approach — a cache hit is a Map lookup (plus the
  // deny-list read when revocation is checked); a snapshot cookie is one HMAC over the cookie.
  'stateless-hs256-none-cached': ['floor-map'],
  'stateless-es256-none-cached': ['floor-map'],
  'stateless-hs256-denylist-cached': ['floor-map', 'floor-sqlite'],
  'stateful-sqlite-cookie-cache': ['floor-hmac'],
  // Issue 12: node-redis is the library of the Redis variants, and floor-redis already goes through it. The stateful
  // Redis variants run hono-sessions too: its share is floor-hs-memory − floor-map (hono-sessions over a Map minus
  // the Map), so the session read is swapped, not the library dropped (before session 7 it was left out, which
  // put hono-sessions' ~9 µs into "our code"). A client-cache hit is a Map lookup: hono-sessions over a Map.
  'stateful-redis': ['floor-hs-memory', '-floor-map', 'floor-redis', 'floor-sqlite'],
  'stateful-redis-cached': ['floor-hs-memory', 'floor-sqlite'],
  'stateless-hs256-denylist-redis': ['floor-jose', 'floor-redis'],
  'stateless-hs256-denylist-redis-cached': ['floor-jose', 'floor-map'],
}

/** How each app variant's in-process cost splits, µs per request (medians). */
export interface Decomposition {
  id: string
  total: number
  /** The floor worker's /public: Hono, the shared middleware, Request/Response objects. */
  framework: number
  /** The app's /public minus the floor's: what the app adds to every request before any auth. */
  appBase: number
  /** Raw mechanism (floor routes without a library), null when no raw floor matches. */
  mechanism: number | null
  /** Library floor − mechanism: what jose / hono-sessions add over the raw operation. */
  library: number | null
  /** Variant added − library floor added: our own code around the library. */
  ourCode: Summary | null
  mechanismSource: string
  librarySource: string
}

function sumFloors(
  byId: Map<string, Ev>,
  ids: string[] | undefined,
): { total: number; byRound: number[] | null } | null {
  if (!ids || ids.length === 0) return null
  const terms = ids.map((id) => ({
    sign: id.startsWith('-') ? -1 : 1,
    ev: byId.get(id.startsWith('-') ? id.slice(1) : id),
  }))
  if (terms.some((t) => !t.ev)) return null
  const rounds = terms[0]!.ev!.byRound.length
  const byRound = Array.from({ length: rounds }, (_, i) =>
    terms.reduce((s, t) => s + t.sign * (t.ev!.byRound[i] ?? NaN), 0),
  )
  return { total: terms.reduce((s, t) => s + t.sign * t.ev!.added.median, 0), byRound }
}

/** "floor-hs-memory − floor-map + floor-redis" for a signed id list. */
export function floorsText(ids: readonly string[]): string {
  return ids.map((id, i) => (id.startsWith('-') ? `− ${id.slice(1)}` : i === 0 ? id : `+ ${id}`)).join(' ')
}

export function decompose(evs: readonly Ev[]): Decomposition[] {
  const byId = new Map(evs.map((e) => [e.id, e]))
  const framework = evs.find((e) => e.family === 'floor')?.publicUs.median ?? null
  return evs
    .filter((e) => e.family !== 'floor')
    .map((e) => {
      const mech = sumFloors(byId, MECHANISM[e.id])
      const lib = sumFloors(byId, LIBRARY_FLOOR[e.id])
      const ourByRound = lib?.byRound?.map((f, i) => (e.byRound[i] ?? NaN) - f) ?? []
      const source = (ids: string[] | undefined, got: unknown) =>
        !ids ? 'no floor for this variant' : got ? floorsText(ids) : `${floorsText(ids)} (not measured)`
      return {
        id: e.id,
        total: e.total.median,
        framework: framework ?? e.publicUs.median,
        appBase: framework === null ? 0 : e.publicUs.median - framework,
        mechanism: mech?.total ?? null,
        library: lib && mech ? lib.total - mech.total : null,
        ourCode: lib ? summarize(ourByRound) : null,
        mechanismSource: source(MECHANISM[e.id], mech),
        librarySource: source(LIBRARY_FLOOR[e.id], lib),
      }
    })
}

const us = (x: number) => `${x.toFixed(1)} µs`
const signed = (x: number) => `${x < 0 ? '−' : '+'}${Math.abs(x).toFixed(1)} µs`
const rng = (s: Summary, f: (x: number) => string) =>
  s.n < 2 ? `${f(s.median)} (1 round)` : `${f(s.median)} (${f(s.min)}–${f(s.max)})`
const f2 = (x: number) => x.toFixed(2)
/** "+12.3 µs (11.9–12.8) in-process; HTTP 0.61× (…), +45 µs server CPU" */
function fig(e: Ev): string {
  const http = e.httpRatio
    ? `; over HTTP ${rng(e.httpRatio, (x) => `${f2(x)}×`)} of /public${e.httpCpuAdded ? `, ${signed(e.httpCpuAdded.median)} server CPU` : ''}`
    : ''
  return `${rng(e.added, signed)} per request in-process${http}`
}
/** Tolerance for "no measurable difference": 5 % of the larger of the two, at least 1 µs. */
const tolerance = (a: Ev, b: Ev) =>
  Math.max(1, 0.05 * Math.max(Math.abs(a.added.median), Math.abs(b.added.median)))
const cmp = (a: Ev, b: Ev) =>
  decide(a.byRound, b.byRound, { tolerance: tolerance(a, b), names: [a.id, b.id] })

function missing(claim: string, ids: string[]): Verdict {
  return {
    claim,
    status: 'inconclusive',
    text: `not answered: needs valid in-process results for ${ids.join(' and ')} (excluded or not run).`,
  }
}

/** Applies the gate: a closed gate keeps the figures and drops the badge (smoke) or makes it inconclusive (noisy). */
function gated(
  claim: string,
  gate: Gate,
  figures: string,
  status: NonNullable<Verdict['status']>,
  conclusion: string,
): Verdict {
  const note = gateNote(gate)
  if (note === null) return { claim, status, text: `${figures} ${conclusion}` }
  return { claim, status: gate.smoke ? undefined : 'inconclusive', text: `${note} ${figures}` }
}

function inconclusive(d: Decision): string {
  return `Inconclusive: ${d.why}. Rerun with more rounds on a quiet machine.`
}

/**
 * The store a session lookup goes to, as C1 and C4 compare it: the embedded SQLite file (in the process, shared by
 * the processes on one machine) and Redis (a network round trip; over loopback here, one request at a time, so the
 * in-process figure is wall time with the core idle while Redis answers). Until session 11 both claims were decided
 * on SQLite alone while the run had measured Redis too (review R1): "the DB lookup" and "a central store" are, in
 * most deployments, across the network. Each store is its own labelled verdict; the summary combines them.
 */
const STORES = [
  { id: 'stateful-sqlite', label: 'local SQLite', what: 'the SQLite session lookup' },
  {
    id: 'stateful-redis',
    label: 'Redis',
    what: 'the Redis session lookup (a loopback round trip: wall time, one request at a time)',
  },
] as const

/** The stores this run measured validly in-process, each with its evidence. */
const measuredStores = (evs: readonly Ev[]) =>
  STORES.flatMap((st) => {
    const e = evs.find((x) => x.id === st.id)
    return e ? [{ ...st, e }] : []
  })

/** C1: "stateless is faster because it skips the DB lookup" — per store (above). */
export function verdictC1(evs: readonly Ev[], gate: Gate): Verdict[] {
  const jwt = evs.find((e) => e.id === 'stateless-hs256-none')
  const sql = evs.find((e) => e.id === 'stateful-sqlite')
  if (!jwt || !sql) return [missing('C1', ['stateless-hs256-none', 'stateful-sqlite'])]
  const stores = measuredStores(evs)
  return stores.map(({ label, what, e }) => {
    // Without a Redis row (older files, no redis-server) the SQLite verdict is the claim's, as before session 11.
    const claim = stores.length > 1 ? `C1 (${label})` : 'C1'
    const d = cmp(jwt, e)
    const figures = `An HS256 JWT with no store access costs ${fig(jwt)}; ${what} ${fig(e)}.`
    if (d.verdict === 'lower')
      return gated(claim, gate, figures, 'supported', `The JWT path is cheaper: ${d.why}.`)
    if (d.verdict === 'higher')
      return gated(
        claim,
        gate,
        figures,
        'refuted',
        `The JWT path costs more (jose's WebCrypto verify is dearer than the lookup it replaces): ${d.why}.`,
      )
    if (d.verdict === 'same')
      return gated(claim, gate, figures, 'refuted', `No measurable speed from skipping the lookup: ${d.why}.`)
    return gated(claim, gate, figures, 'inconclusive', inconclusive(d))
  })
}

/** C4: "a central store adds overhead": each shared store (SQLite file, Redis) against the in-process Map. */
export function verdictC4(evs: readonly Ev[], gate: Gate): Verdict[] {
  const sql = evs.find((e) => e.id === 'stateful-sqlite')
  const mem = evs.find((e) => e.id === 'stateful-memory')
  if (!sql || !mem) return [missing('C4', ['stateful-sqlite', 'stateful-memory'])]
  const stores = measuredStores(evs)
  return stores.map(({ id, label, e }) => {
    const claim = stores.length > 1 ? `C4 (${label})` : 'C4'
    const d = cmp(e, mem)
    const name =
      id === 'stateful-sqlite' ? 'The SQLite store' : 'The Redis store (wall time, with its round trip)'
    const figures =
      `${name} costs ${fig(e)}; the in-process Map ${fig(mem)} (both still read the user row from SQLite): ` +
      `${signed(e.added.median - mem.added.median)} for the shared store.`
    if (d.verdict === 'higher')
      return gated(
        claim,
        gate,
        figures,
        'supported',
        id === 'stateful-redis'
          ? `It adds time to every request, of this size (wall time, mostly the round trip: latency more than CPU): ${d.why}.`
          : `It adds overhead, of this size: ${d.why}.`,
      )
    if (d.verdict === 'lower')
      return gated(claim, gate, figures, 'refuted', `The store is cheaper here: ${d.why}.`)
    if (d.verdict === 'same')
      return gated(claim, gate, figures, 'refuted', `No measurable overhead: ${d.why}.`)
    return gated(claim, gate, figures, 'inconclusive', inconclusive(d))
  })
}

const ALG: Record<string, string> = {
  'stateless-rs256': 'RS256',
  'stateless-es256': 'ES256',
  'stateless-eddsa': 'EdDSA',
}

/** C10: HS256 vs the asymmetric algorithms (and the JWE format, quoted). */
export function verdictC10(evs: readonly Ev[], gate: Gate): Verdict {
  const hs = evs.find((e) => e.id === 'stateless-hs256-none')
  const others = Object.keys(ALG).flatMap((id) => evs.filter((e) => e.id === id))
  if (!hs || others.length === 0) return missing('C10', ['stateless-hs256-none', 'an asymmetric variant'])
  const parts = others.map((e) => ({ e, d: cmp(e, hs) }))
  const jwe = evs.find((e) => e.id === 'stateless-jwe')
  const figures =
    `HS256 costs ${fig(hs)}; ${parts.map((p) => `${ALG[p.e.id]} ${fig(p.e)}`).join('; ')}.` +
    (jwe ? ` The encrypted JWE format costs ${fig(jwe)}.` : '')
  const dearer = parts.filter((p) => p.d.verdict === 'higher')
  const open = parts.filter((p) => p.d.verdict === 'inconclusive')
  const why = parts.map((p) => `${ALG[p.e.id]}: ${p.d.verdict} (${p.d.why})`).join('; ')
  const tail = ' What asymmetric keys buy is that verifiers hold no signing secret, not speed.'
  if (dearer.length === parts.length)
    return gated(
      'C10',
      gate,
      figures,
      'supported',
      `Every asymmetric algorithm is dearer than HS256: ${why}.${tail}`,
    )
  if (open.length > 0) return gated('C10', gate, figures, 'inconclusive', `Not all decided: ${why}.`)
  if (dearer.length > 0)
    return gated(
      'C10',
      gate,
      figures,
      'mixed',
      `${dearer.length} of ${parts.length} are dearer: ${why}.${tail}`,
    )
  return gated('C10', gate, figures, 'refuted', `None is dearer than HS256: ${why}.`)
}

/** C12: "storing/checking tokens in a DB cancels statelessness" (deny-list and token_version variants). */
export function verdictC12(evs: readonly Ev[], gate: Gate): Verdict {
  const none = evs.find((e) => e.id === 'stateless-hs256-none')
  const sql = evs.find((e) => e.id === 'stateful-sqlite')
  const checked = ['stateless-hs256-denylist', 'stateless-hs256-version'].flatMap((id) =>
    evs.filter((e) => e.id === id),
  )
  if (!none || !sql || checked.length === 0)
    return missing('C12', ['stateless-hs256-none', 'stateful-sqlite', 'stateless-hs256-denylist or -version'])
  const parts = checked.map((e) => ({ e, d: cmp(e, sql) }))
  const figures =
    `With a check on every request — ${checked.map((e) => `${e.id.replace('stateless-hs256-', '')} ${fig(e)} (${signed(e.added.median - none.added.median)} over no check)`).join('; ')} — ` +
    `against the SQLite session's ${fig(sql)}.`
  const why = parts
    .map((p) => `${p.e.id.replace('stateless-hs256-', '')} vs session: ${p.d.verdict} (${p.d.why})`)
    .join('; ')
  if (parts.every((p) => p.d.verdict === 'higher' || p.d.verdict === 'same'))
    return gated(
      'C12',
      gate,
      figures,
      'supported',
      `No checked variant is cheaper than the session: the per-request DB check cancels the "no lookup" advantage (${why}).`,
    )
  if (parts.some((p) => p.d.verdict === 'inconclusive'))
    return gated('C12', gate, figures, 'inconclusive', `Not decided: ${why}.`)
  return gated(
    'C12',
    gate,
    figures,
    'mixed',
    `At least one checked variant still costs less than the session lookup (${why}).`,
  )
}

/** The framework / mechanism / library / our-code split as sentences. Figures, not a claim: no badge. */
export function verdictDecomposition(ds: readonly Decomposition[], gate: Gate): Verdict {
  const lines = ds.map(
    (d) =>
      `${d.id}: ${us(d.total)} = ${us(d.framework)} framework + ${us(d.appBase)} app base + ` +
      (d.mechanism === null
        ? 'auth (no raw floor to split it)'
        : `${us(d.mechanism)} mechanism (${d.mechanismSource})`) +
      (d.library === null ? '' : ` + ${us(d.library)} library (${d.librarySource})`) +
      (d.ourCode ? ` + our code ${rng(d.ourCode, signed)}` : ''),
  )
  if (lines.length === 0)
    return {
      claim: 'decomposition',
      status: 'inconclusive',
      text: 'not answered: no valid app variant in-process.',
    }
  const note = gateNote(gate)
  return {
    claim: 'decomposition',
    text:
      `${note ? `${note} ` : ''}In-process µs per request (medians; our code with its min–max over rounds): ${lines.join('; ')}. ` +
      "Our code = the variant's added cost − its library floor's (same rounds); a negative share is within noise.",
  }
}
