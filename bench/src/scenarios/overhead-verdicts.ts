import type { Summary } from '../lib/stats.js'
import { compare } from '../lib/stats.js'
import type { Verdict } from '../report/schema.js'
import type { VariantSummary } from './overhead-summary.js'

/** How each app variant's cost splits, in server CPU µs per request (medians). */
export interface Decomposition {
  id: string
  /** The floor server's /public: Hono, @hono/node-server, the shared middleware, the kernel's share of a request. */
  framework: number
  /** The app's /public minus the floor's: what the app adds to every request before any auth (null without floor). */
  appBase: number | null
  /** The raw mechanism measured on the floor server (null when no floor route matches the variant). */
  mechanism: number | null
  /** What is left: the auth library (hono-sessions, jose) and the app's own code around it. */
  library: number | null
  total: number
  /** Which floor routes make up the mechanism. */
  mechanismSource: string
}

/** Which raw floor routes a variant's mechanism equals. */
const MECHANISM: Record<string, string[]> = {
  'stateful-memory': ['floor-map'],
  'stateful-sqlite': ['floor-sqlite'],
  'stateless-hs256-none': ['floor-hmac'],
  'stateless-hs256-denylist': ['floor-hmac', 'floor-sqlite'],
  'stateless-hs256-version': ['floor-hmac', 'floor-sqlite'],
}

export function decompose(variants: VariantSummary[]): Decomposition[] {
  const byId = new Map(variants.map((v) => [v.id, v]))
  const floorBase =
    variants.find((v) => v.family === 'floor' && v.valid && v.baselineCpuUs)?.baselineCpuUs?.median ?? null
  const out: Decomposition[] = []
  for (const v of variants) {
    if (v.family === 'floor' || !v.valid || !v.cpuUs || !v.baselineCpuUs || !v.cpuAddedUs) continue
    const parts = MECHANISM[v.id] ?? []
    const floors = parts.map((p) => byId.get(p))
    const haveAll = parts.length > 0 && floors.every((f) => f?.valid && f.cpuAddedUs)
    const mechanism = haveAll ? floors.reduce((s, f) => s + Math.max(0, f!.cpuAddedUs!.median), 0) : null
    out.push({
      id: v.id,
      framework: floorBase ?? v.baselineCpuUs.median,
      appBase: floorBase === null ? null : v.baselineCpuUs.median - floorBase,
      mechanism,
      library: mechanism === null ? null : v.cpuAddedUs.median - mechanism,
      total: v.cpuUs.median,
      mechanismSource:
        parts.length === 0
          ? 'no raw floor for this algorithm'
          : haveAll
            ? parts.join(' + ')
            : `${parts.join(' + ')} (not measured)`,
    })
  }
  return out
}

const f2 = (x: number) => x.toFixed(2)
const us = (x: number) => `${Math.round(x)} µs`
const pct = (x: number) => `${Math.round(x * 100)}%`
const signedUs = (x: number) => `${x < 0 ? '−' : '+'}${Math.abs(Math.round(x))} µs`
const range = (s: Summary) => `${f2(s.median)}× (${f2(s.min)}–${f2(s.max)})`

function get(vs: VariantSummary[], id: string): VariantSummary | undefined {
  const v = vs.find((x) => x.id === id)
  return v?.valid && v.ratio ? v : undefined
}

function missing(claim: string, ids: string[]): Verdict {
  return {
    claim,
    status: 'inconclusive',
    text: `not answered: needs valid results for ${ids.join(' and ')} (excluded or not run).`,
  }
}

const SAME = 'within noise (their round-to-round ranges overlap or differ by ≤ 10%)'

/** A ratio spread above this (max − min over the median) means the run was too noisy to call a tie a result. */
const NOISY_SPREAD = 0.35

function noisy(...vs: VariantSummary[]): boolean {
  return vs.some((v) => (v.ratio?.spread ?? 1) > NOISY_SPREAD)
}

function tooNoisy(claim: string, nums: string, vs: VariantSummary[]): Verdict {
  const spreads = vs.map((v) => `${v.id} ${pct(v.ratio?.spread ?? 0)}`).join(', ')
  return {
    claim,
    status: 'inconclusive',
    text: `${nums} Not decided: the run was too noisy to separate them (ratio spreads ${spreads}); rerun with more rounds on a quieter machine.`,
  }
}

/** C1: "stateless is faster because it skips the DB lookup". */
export function verdictC1(vs: VariantSummary[]): Verdict {
  const jwt = get(vs, 'stateless-hs256-none')
  const sql = get(vs, 'stateful-sqlite')
  if (!jwt || !sql) return missing('C1', ['stateless-hs256-none', 'stateful-sqlite'])
  const mem = get(vs, 'stateful-memory')
  const cmp = compare(jwt.ratio!, sql.ratio!)
  const nums =
    `HS256 JWT with no store access (${f2(jwt.readsPerReq ?? 0)} reads/req) keeps ${range(jwt.ratio!)} of its /public throughput and adds ` +
    `${us(jwt.cpuAddedUs!.median)} of server CPU per request; the SQLite session (${f2(sql.readsPerReq ?? 0)} reads/req) keeps ` +
    `${range(sql.ratio!)} and adds ${us(sql.cpuAddedUs!.median)}` +
    (mem ? `; the in-memory session keeps ${range(mem.ratio!)} (${signedUs(mem.cpuAddedUs!.median)})` : '') +
    '.'
  if (cmp === 'higher')
    return {
      claim: 'C1',
      status: 'supported',
      text: `${nums} Here skipping the lookup does make the JWT path faster.`,
    }
  if (cmp === 'lower') {
    return {
      claim: 'C1',
      status: 'refuted',
      text: `${nums} The lookup it skips is cheaper than the signature check it does instead: on this stack verifying a JWT with jose costs more than a prepared SQLite read.`,
    }
  }
  if (noisy(jwt, sql)) return tooNoisy('C1', nums, [jwt, sql])
  return {
    claim: 'C1',
    status: 'refuted',
    text: `${nums} The two are ${SAME}: skipping the DB lookup buys no measurable speed.`,
  }
}

/** C4: "a central store adds overhead" (SQLite file shared by instances vs an in-process Map; plus the deny-list). */
export function verdictC4(vs: VariantSummary[]): Verdict {
  const sql = get(vs, 'stateful-sqlite')
  const mem = get(vs, 'stateful-memory')
  if (!sql || !mem) return missing('C4', ['stateful-sqlite', 'stateful-memory'])
  const cmp = compare(sql.ratio!, mem.ratio!)
  // Paired per round against each server's own /public, so baseline noise between the two servers cancels.
  const extra = sql.cpuAddedUs!.median - mem.cpuAddedUs!.median
  const base = sql.baselineCpuUs!.median
  const nums =
    `The SQLite store (a file every instance can share) keeps ${range(sql.ratio!)} vs ${range(mem.ratio!)} for the in-process Map; ` +
    `its auth step costs ${signedUs(extra)} of server CPU per request compared with the Map's (${pct(Math.abs(extra) / base)} of a bare /public request).`
  const jwt = get(vs, 'stateless-hs256-none')
  const ctx = jwt
    ? ` For scale, jose HS256 verification adds ${signedUs(jwt.cpuAddedUs!.median)} per request.`
    : ''
  if (cmp === 'lower')
    return { claim: 'C4', status: 'supported', text: `${nums} The store adds overhead, of this size.${ctx}` }
  if (cmp === 'higher')
    return { claim: 'C4', status: 'refuted', text: `${nums} The store was not slower here.${ctx}` }
  if (noisy(sql, mem)) return tooNoisy('C4', nums, [sql, mem])
  return { claim: 'C4', status: 'mixed', text: `${nums} In throughput the two are ${SAME}.${ctx}` }
}

/** C10: HS256 vs the asymmetric algorithms (and the JWE format). */
export function verdictC10(vs: VariantSummary[]): Verdict {
  const hs = get(vs, 'stateless-hs256-none')
  const others = ['stateless-rs256', 'stateless-es256', 'stateless-eddsa']
    .map((id) => get(vs, id))
    .filter((v) => v !== undefined)
  if (!hs || others.length === 0) return missing('C10', ['stateless-hs256-none', 'an asymmetric variant'])
  const parts = others.map((v) => {
    const c = compare(v.ratio!, hs.ratio!)
    const x = v.cpuAddedUs!.median / Math.max(hs.cpuAddedUs!.median, 1)
    return {
      v,
      c,
      text: `${v.id
        .replace('stateless-', '')
        .replace('eddsa', 'EdDSA')
        .replace(/^(rs|es)/, (m) =>
          m.toUpperCase(),
        )} ${range(v.ratio!)}, ${signedUs(v.cpuAddedUs!.median)} CPU/req (${x.toFixed(1)}× HS256's)`,
    }
  })
  const jwe = get(vs, 'stateless-jwe')
  const jweText = jwe
    ? ` The encrypted JWE format keeps ${range(jwe.ratio!)} (${signedUs(jwe.cpuAddedUs!.median)}).`
    : ''
  const slower = parts.filter((p) => p.c === 'lower').length
  const status =
    slower === parts.length
      ? 'supported'
      : noisy(hs, ...others)
        ? 'inconclusive'
        : slower === 0
          ? 'refuted'
          : 'mixed'
  return {
    claim: 'C10',
    status,
    text:
      `HS256 keeps ${range(hs.ratio!)} (${signedUs(hs.cpuAddedUs!.median)} CPU/req); ${parts.map((p) => p.text).join('; ')}.` +
      ` ${slower} of ${parts.length} asymmetric algorithm(s) are clearly slower to verify than HS256.${jweText}` +
      ' What asymmetric keys buy is that verifiers hold no signing secret, not speed.',
  }
}

/** C12: "storing/checking tokens in a DB cancels statelessness" (deny-list and token_version variants). */
export function verdictC12(vs: VariantSummary[]): Verdict {
  const none = get(vs, 'stateless-hs256-none')
  const sql = get(vs, 'stateful-sqlite')
  const checked = ['stateless-hs256-denylist', 'stateless-hs256-version']
    .map((id) => get(vs, id))
    .filter((v) => v !== undefined)
  if (!none || !sql || checked.length === 0) {
    return missing('C12', ['stateless-hs256-none', 'stateful-sqlite', 'stateless-hs256-denylist or -version'])
  }
  const parts = checked.map((v) => {
    const vsSession = compare(v.ratio!, sql.ratio!)
    return {
      v,
      vsSession,
      text:
        `${v.id.replace('stateless-hs256-', '')}: ${range(v.ratio!)}, ${f2(v.readsPerReq ?? 0)} store reads/req, ` +
        `${signedUs(v.cpuAddedUs!.median - none.cpuAddedUs!.median)} CPU/req over no check`,
    }
  })
  const noCheaper = parts.every((p) => p.vsSession !== 'higher')
  const clearlyNot = parts.every((p) => p.vsSession === 'lower')
  return {
    claim: 'C12',
    status: noCheaper ? (clearlyNot || !noisy(sql, ...checked) ? 'supported' : 'inconclusive') : 'mixed',
    text:
      `With a check on every request — ${parts.map((p) => p.text).join('; ')} — the JWT app reads the store on every request just like ` +
      `the SQLite session (${range(sql.ratio!)}, ${f2(sql.readsPerReq ?? 0)} reads/req)` +
      (noCheaper
        ? ', and it is no cheaper than it: the per-request DB check cancels the "no lookup" advantage (it keeps short-lived, self-describing tokens and instant revocation).'
        : ', yet it stays faster than the session in throughput here; the lookup it adds is the cost of instant revocation.'),
  }
}

/** The framework / library / mechanism split as sentences, for the headline variants. */
export function verdictDecomposition(ds: Decomposition[]): Verdict {
  const lines = ds
    .filter((d) => d.mechanism !== null && d.library !== null)
    .map(
      (d) =>
        `${d.id}: ${us(d.total)} per /me = ${us(d.framework)} framework + ${us(d.appBase ?? 0)} app base (its /public over the floor's) + ${us(d.mechanism!)} mechanism (${d.mechanismSource}) + ${us(d.library!)} auth library and app code`,
    )
  if (lines.length === 0) {
    return {
      claim: 'decomposition',
      status: 'inconclusive',
      text: 'not answered: needs the floor server and at least one matching app variant.',
    }
  }
  const noFloor = ds.filter((d) => d.mechanism === null).map((d) => d.id)
  return {
    claim: 'decomposition',
    text:
      `Server CPU per request, medians: ${lines.join('; ')}.` +
      (noFloor.length > 0
        ? ` (${noFloor.join(', ')}: no raw floor route for that algorithm, so only framework vs the rest.)`
        : '') +
      ' A negative share means that part is within noise.',
  }
}
