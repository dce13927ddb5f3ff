import type { RoundComparison, Summary } from '../../lib/stats.js'
import { compareRounds } from '../../lib/stats.js'
import type { Verdict } from '../../report/schema.js'
import type { VariantSummary } from './summary.js'

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
  // The memory store keeps the session in a Map but the app still reads the user row from SQLite (2 reads/req).
  'stateful-memory': ['floor-map', 'floor-sqlite'],
  'stateful-sqlite': ['floor-sqlite'],
  'stateless-hs256-none': ['floor-hmac'],
  'stateless-hs256-denylist': ['floor-hmac', 'floor-sqlite'],
  'stateless-hs256-version': ['floor-hmac', 'floor-sqlite'],
  // Opt-in floor routes (pnpm bench --variants …,floor-rs256,floor-es256,floor-eddsa).
  'stateless-rs256': ['floor-rs256'],
  'stateless-es256': ['floor-es256'],
  'stateless-eddsa': ['floor-eddsa'],
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
          ? 'no raw floor route for this variant'
          : haveAll
            ? parts.join(' + ')
            : `${parts.join(' + ')} (not measured)`,
    })
  }
  return out
}

const f2 = (x: number) => x.toFixed(2)
const us = (x: number) => `${Math.round(x)} µs`
const signedUs = (x: number) => `${x < 0 ? '−' : '+'}${Math.abs(Math.round(x))} µs`
const range = (s: Summary) => `${f2(s.median)}× (${f2(s.min)}–${f2(s.max)})`
const cpu = (v: VariantSummary) => `${signedUs(v.cpuAddedUs!.median)} CPU/req`

function get(vs: VariantSummary[], id: string): VariantSummary | undefined {
  const v = vs.find((x) => x.id === id)
  return v?.valid && v.ratio && v.cpuAddedUs ? v : undefined
}

function missing(claim: string, ids: string[]): Verdict {
  return {
    claim,
    status: 'inconclusive',
    text: `not answered: needs valid results for ${ids.join(' and ')} (excluded or not run).`,
  }
}

/**
 * The verdicts decide on server CPU added per request (the route's CPU µs/req minus its own server's /public, per
 * round): it is the steadiest figure on a shared machine. Throughput ratios are quoted beside it.
 */
function cmpCpu(a: VariantSummary, b: VariantSummary): RoundComparison {
  return compareRounds(a.cpuAddedByRound, b.cpuAddedByRound)
}

/** "in 5 of 5 rounds" style evidence for a comparison. */
function rounds(c: RoundComparison, word: 'more' | 'less'): string {
  return `${word} in ${word === 'more' ? c.higherIn : c.lowerIn} of ${c.n} round(s)`
}

function unclear(claim: string, nums: string, c: RoundComparison): Verdict {
  return {
    claim,
    status: 'inconclusive',
    text: `${nums} Not decided: the medians differ by ${Math.round(Math.abs(c.relative) * 100)}% but the rounds disagree (${c.higherIn} higher, ${c.lowerIn} lower of ${c.n}); rerun with more rounds on a quieter machine.`,
  }
}

/** C1: "stateless is faster because it skips the DB lookup". */
export function verdictC1(vs: VariantSummary[]): Verdict {
  const jwt = get(vs, 'stateless-hs256-none')
  const sql = get(vs, 'stateful-sqlite')
  if (!jwt || !sql) return missing('C1', ['stateless-hs256-none', 'stateful-sqlite'])
  const mem = get(vs, 'stateful-memory')
  const c = cmpCpu(jwt, sql)
  const nums =
    `Verifying an HS256 JWT with no store access (${f2(jwt.readsPerReq ?? 0)} reads/req) costs ${cpu(jwt)} over /public ` +
    `(throughput ${range(jwt.ratio!)} of /public); the SQLite session lookup (${f2(sql.readsPerReq ?? 0)} reads/req) costs ` +
    `${cpu(sql)} (${range(sql.ratio!)})` +
    (mem ? `; the in-memory session ${cpu(mem)} (${range(mem.ratio!)})` : '') +
    '.'
  if (c.verdict === 'lower') {
    return {
      claim: 'C1',
      status: 'supported',
      text: `${nums} The JWT path costs ${rounds(c, 'less')}: skipping the lookup does make it cheaper here.`,
    }
  }
  if (c.verdict === 'higher') {
    return {
      claim: 'C1',
      status: 'refuted',
      text: `${nums} The JWT path costs ${rounds(c, 'more')}: the signature check (jose, WebCrypto) is dearer than the prepared SQLite read it replaces.`,
    }
  }
  if (c.verdict === 'unclear') return unclear('C1', nums, c)
  return {
    claim: 'C1',
    status: 'refuted',
    text: `${nums} The two are within ${Math.round(Math.abs(c.relative) * 100)}% of each other: skipping the DB lookup buys no measurable speed.`,
  }
}

/** C4: "a central store adds overhead" (a SQLite file every instance can share vs an in-process Map). */
export function verdictC4(vs: VariantSummary[]): Verdict {
  const sql = get(vs, 'stateful-sqlite')
  const mem = get(vs, 'stateful-memory')
  if (!sql || !mem) return missing('C4', ['stateful-sqlite', 'stateful-memory'])
  const c = cmpCpu(sql, mem)
  const extra = sql.cpuAddedUs!.median - mem.cpuAddedUs!.median
  const jwt = get(vs, 'stateless-hs256-none')
  const nums =
    `The SQLite store (one file every instance can share) costs ${cpu(sql)} over /public (throughput ${range(sql.ratio!)}), ` +
    `the in-process Map ${cpu(mem)} (${range(mem.ratio!)}): a difference of ${signedUs(extra)} per request. ` +
    `Store reads per request: ${f2(sql.readsPerReq ?? 0)} for SQLite vs ${f2(mem.readsPerReq ?? 0)} for the Map variant, ` +
    'which keeps the session in memory but still reads the user row from SQLite.' +
    (jwt ? ` For scale, jose HS256 verification costs ${cpu(jwt)}.` : '')
  if (c.verdict === 'higher') {
    return {
      claim: 'C4',
      status: 'supported',
      text: `${nums} The store costs ${rounds(c, 'more')}: it adds overhead, of this size.`,
    }
  }
  if (c.verdict === 'lower') {
    return {
      claim: 'C4',
      status: 'refuted',
      text: `${nums} The store costs ${rounds(c, 'less')}: no overhead from it here.`,
    }
  }
  if (c.verdict === 'unclear') return unclear('C4', nums, c)
  return {
    claim: 'C4',
    status: 'refuted',
    text: `${nums} Within ${Math.round(Math.abs(c.relative) * 100)}%: no measurable overhead.`,
  }
}

function algName(id: string): string {
  return { 'stateless-rs256': 'RS256', 'stateless-es256': 'ES256', 'stateless-eddsa': 'EdDSA' }[id] ?? id
}

/** C10: HS256 vs the asymmetric algorithms (and the JWE format). */
export function verdictC10(vs: VariantSummary[]): Verdict {
  const hs = get(vs, 'stateless-hs256-none')
  const others = ['stateless-rs256', 'stateless-es256', 'stateless-eddsa']
    .map((id) => get(vs, id))
    .filter((v) => v !== undefined)
  if (!hs || others.length === 0) return missing('C10', ['stateless-hs256-none', 'an asymmetric variant'])
  const parts = others.map((v) => {
    const c = cmpCpu(v, hs)
    const x = v.cpuAddedUs!.median / Math.max(hs.cpuAddedUs!.median, 1)
    return {
      v,
      c,
      text: `${algName(v.id)} ${cpu(v)} (${x.toFixed(1)}× HS256's; more in ${c.higherIn} of ${c.n} rounds; throughput ${range(v.ratio!)})`,
    }
  })
  const jwe = get(vs, 'stateless-jwe')
  const jweText = jwe ? ` The encrypted JWE format costs ${cpu(jwe)} (${range(jwe.ratio!)}).` : ''
  const dearer = parts.filter((p) => p.c.verdict === 'higher').length
  const undecided = parts.filter((p) => p.c.verdict === 'unclear').length
  const status =
    dearer === parts.length ? 'supported' : dearer > 0 ? 'mixed' : undecided > 0 ? 'inconclusive' : 'refuted'
  return {
    claim: 'C10',
    status,
    text:
      `HS256 costs ${cpu(hs)} (throughput ${range(hs.ratio!)}); ${parts.map((p) => p.text).join('; ')}. ` +
      `${dearer} of ${parts.length} asymmetric algorithm(s) are clearly dearer to verify than HS256.${jweText}` +
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
    const vsSession = cmpCpu(v, sql)
    return {
      v,
      vsSession,
      text:
        `${v.id.replace('stateless-hs256-', '')} ${cpu(v)} (${f2(v.readsPerReq ?? 0)} store reads/req, ` +
        `${signedUs(v.cpuAddedUs!.median - none.cpuAddedUs!.median)} over no check; throughput ${range(v.ratio!)})`,
    }
  })
  const head =
    `With a check on every request — ${parts.map((p) => p.text).join('; ')} — the JWT app reads the store on every ` +
    `request, like the SQLite session (${cpu(sql)}, ${f2(sql.readsPerReq ?? 0)} reads/req, ${range(sql.ratio!)}).`
  if (parts.every((p) => p.vsSession.verdict === 'higher' || p.vsSession.verdict === 'same')) {
    return {
      claim: 'C12',
      status: 'supported',
      text: `${head} It ends up no cheaper than the session: the per-request DB check cancels the "no lookup" advantage; what remains is short-lived, self-describing tokens with instant revocation.`,
    }
  }
  if (parts.some((p) => p.vsSession.verdict === 'lower')) {
    return {
      claim: 'C12',
      status: 'mixed',
      text: `${head} At least one checked variant still costs less than the session lookup; the check is the price of instant revocation, not of statelessness as a whole.`,
    }
  }
  return {
    claim: 'C12',
    status: 'inconclusive',
    text: `${head} Not decided: the rounds disagree; rerun on a quieter machine.`,
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
        ? ` (${noFloor.join(', ')}: no raw floor route measured, so only framework vs the rest; the asymmetric ones have opt-in floor routes: --variants …,floor-rs256,floor-es256,floor-eddsa.)`
        : '') +
      ' A negative share means that part is within noise.',
  }
}
