/**
 * "Choose sessions when… / choose JWTs when…", drawn from THIS run's verdicts. Each rule names the claims it rests
 * on and fires only when they were decided in the direction it needs; numbers come from this run's raw data. A
 * claim the run did not decide (smoke run, inconclusive, no experiment) feeds no rule and is listed as undecided,
 * so a reader sees what the advice does not rest on.
 */
import { us } from './deciding.js'
import { inprocessAdded, lbFigures, memoryFigures, overheadFigures, revocationFigures } from './figures.js'
import type { ResultsFile } from './schema.js'
import type { RowState } from './summary.js'

export interface ChoiceLists {
  sessions: string[]
  jwt: string[]
  eitherWay: string[]
  /** Grouped by reason: "smoke run: C1, C2", "no experiment in this run: C7", … */
  undecided: string[]
}

type States = ReadonlyMap<string, RowState>
type Side = 'sessions' | 'jwt' | 'eitherWay'

interface Rule {
  side: Side
  /**
   * Fires when every claim has one of the listed states. A key `A|B` reads A, or B when the run has no A (a
   * per-store sub-verdict such as "C1 (local SQLite)", or the claim's own row in files from before the split).
   */
  when: Record<string, readonly RowState[]>
  text: (results: ResultsFile) => string
}

const YES = ['supported'] as const
const NO = ['refuted'] as const
const YES_OR_MIXED = ['supported', 'mixed'] as const

/**
 * A variant's added cost per request: the in-process figure the verdicts are decided on (so the advice quotes the
 * number in the summary's table), or, in a results file without the in-process layer, the HTTP server CPU.
 */
const cpu = (r: ResultsFile, id: string) => {
  const inproc = inprocessAdded(r).get(id)
  if (inproc) return `${us(inproc)} in-process`
  const f = overheadFigures(r).get(id)
  return f ? `${us(f.cpuAddedUs)} of server CPU` : 'its measured cost'
}

const RULES: readonly Rule[] = [
  {
    side: 'sessions',
    when: { C5: YES },
    text: (r) => {
      const f = revocationFigures(r)
      const none = f?.modes.get('stateless-none')?.acceptedForSec.max
      const ttl = f?.accessTtlSec
      // The hybrid measured beside it (review R8): a session with a signed snapshot cookie has a window too.
      const cached = f?.modes.get('stateful-cookie-cache')?.acceptedForSec.max
      return `logout, "log out everywhere" and password changes must take effect on the next request: a pure JWT stayed usable ${none === undefined ? 'until it expired' : `for up to ${none.toFixed(1)} s`} after the event (C5${ttl == null ? '' : `; this run's ACCESS_TTL was ${ttl} s, and the window is what is left of it — up to 900 s with the default`}), a session was refused at once${cached === undefined ? '' : ` — as long as it has no cookie cache: with a signed session snapshot in a cookie (SESSION_COOKIE_CACHE), the old cookies were accepted for up to ${cached.toFixed(1)} s`}.`
    },
  },
  {
    side: 'sessions',
    when: { 'C1 (local SQLite)|C1': NO },
    text: (r) =>
      `per-request CPU matters and the store is local: the SQLite session lookup cost ${cpu(r, 'stateful-sqlite')} over /public, and the HS256 verify that replaces it ${cpu(r, 'stateless-hs256-none')}: skipping the lookup did not make the JWT cheaper (C1, local SQLite: refuted).`,
  },
  {
    side: 'jwt',
    when: { 'C1 (local SQLite)|C1': YES },
    text: (r) =>
      `per-request CPU matters: the HS256 verify cost ${cpu(r, 'stateless-hs256-none')} over /public against ${cpu(r, 'stateful-sqlite')} for the SQLite session lookup (C1).`,
  },
  {
    side: 'jwt',
    when: { 'C1 (Redis)': YES },
    text: (r) =>
      `the session store would be across the network: a Redis session lookup took ${cpu(r, 'stateful-redis')} per request, wall time (a loopback round trip, one request at a time: latency more than CPU), against ${cpu(r, 'stateless-hs256-none')} for the HS256 verify (C1, Redis: supported); a real network adds its own latency to every request.`,
  },
  {
    side: 'sessions',
    when: { C6: YES, C12: YES },
    text: (r) =>
      `you would otherwise add a per-request revocation check to JWTs: it closes the window (C6) but reads the store on every request like a session, at ${cpu(r, 'stateless-hs256-denylist')} (deny-list) vs ${cpu(r, 'stateful-sqlite')} for the session (C12).`,
  },
  {
    side: 'jwt',
    when: { C6: YES, C12: NO },
    text: (r) =>
      `you need instant revocation and short tokens: a deny-list check closes the window (C6) and stayed cheaper than a session, ${cpu(r, 'stateless-hs256-denylist')} vs ${cpu(r, 'stateful-sqlite')} (C12 refuted).`,
  },
  {
    // Keyed on the sub-verdicts, not the combined row (always "mixed" once the JWT part is): the advice needs
    // sessions to need a shared store, and the shared store to survive an instance dying.
    side: 'sessions',
    when: { 'C3 (sessions)': YES, 'C3 (failover, central store)': YES },
    text: (r) => {
      const shared = lbFigures(r).get('stateful-sqlite/round-robin')
      return `your instances can share one session store${shared === undefined ? '' : ` (shared SQLite behind round-robin: ${Math.round(shared * 100)} % of requests served)`}; per-instance memory stores need stickiness and lose users when an instance dies (C3).`
    },
  },
  {
    side: 'jwt',
    when: { 'C3 (JWT)': YES_OR_MIXED },
    text: (r) => {
      const lb = lbFigures(r)
      const shared = lb.get('stateless-persisted/round-robin')
      const own = lb.get('stateless-ephemeral/round-robin')
      return `requests are verified by services that cannot reach your session store — provided every verifier shares the key${shared !== undefined && own !== undefined ? ` (round-robin: ${Math.round(shared * 100)} % served with shared keys, ${Math.round(own * 100)} % with per-instance keys)` : ''} (C3).`
    },
  },
  {
    side: 'jwt',
    when: { C10: YES },
    text: (r) =>
      `…and sign with HS256 when the issuer is the only verifier; pay for ES256 (${cpu(r, 'stateless-es256')} vs HS256 ${cpu(r, 'stateless-hs256-none')}) only when third parties verify with your public key (C10).`,
  },
  {
    side: 'jwt',
    when: { C10: NO },
    text: () =>
      'asymmetric keys are no dearer to verify than HS256 on this stack, so third-party verifiers cost nothing extra (C10 refuted).',
  },
  {
    side: 'jwt',
    when: { C7: YES },
    text: () =>
      'you rotate refresh tokens with reuse detection: a stolen refresh token was usable once, then the family died (C7).',
  },
  {
    side: 'jwt',
    when: { C8: YES },
    text: () =>
      'you keep ACCESS_TTL short and budget for the refreshes it costs: the TTL is the theft window (C8).',
  },
  {
    side: 'jwt',
    when: { C9: YES },
    text: () => 'you keep claims small: large payloads cost throughput and can exceed header limits (C9).',
  },
  {
    side: 'eitherWay',
    when: { C13: YES },
    text: (r) => {
      const m = memoryFigures(r)
      const b = m?.heapBytesPerSession.get('stateful-memory')
      return b === undefined
        ? 'sessions held in process memory cost heap per user; a SQLite or Redis store moves it out of the process (C13).'
        : `an in-memory session cost ~${Math.round(b)} B of heap (a million ≈ ${Math.round((b * 1e6) / 1024 ** 2)} MiB); a SQLite or Redis store moves that out of the process (C13).`
    },
  },
  {
    side: 'eitherWay',
    when: { C2: YES_OR_MIXED },
    text: () =>
      'keep the state that matters across restarts: sessions in a persistent store, JWT signing keys persisted (per-boot keys log every JWT user out, C2).',
  },
  {
    side: 'eitherWay',
    when: { C11: YES },
    text: () =>
      'if anything verifies JWTs, pin the algorithm and check typ/iss/aud/exp: a naive verifier accepted forged tokens (C11).',
  },
]

const UNDECIDED: Partial<Record<RowState, string>> = {
  inconclusive: 'inconclusive',
  withheld: 'withheld (no noise guard passed in this run)',
  smoke: 'smoke run',
  'no-verdict': 'no verdict',
  'no-experiment': 'no experiment in this run',
  failed: 'experiment failed',
}

export function chooseFrom(states: States, results: ResultsFile): ChoiceLists {
  const out: ChoiceLists = { sessions: [], jwt: [], eitherWay: [], undecided: [] }
  for (const rule of RULES) {
    const fires = Object.entries(rule.when).every(([key, ok]) => {
      const s = key
        .split('|')
        .map((id) => states.get(id))
        .find((x) => x !== undefined)
      return s !== undefined && ok.includes(s)
    })
    if (fires) out[rule.side].push(rule.text(results))
  }
  const by = new Map<string, string[]>()
  for (const [id, s] of states) {
    // Sub-verdicts ("C3 (JWT)") are listed through their claim's row — or, when the row was decided in parts
    // (C1/C4 per store), as the parts left undecided, so a decided part is not listed as undecided (review X2).
    if (id.includes(' ')) continue
    // (A part without a status, such as C3's figures-only "(failover)", decides nothing and is not listed.)
    const parts = [...states].filter(([k, x]) => k.startsWith(`${id} (`) && x !== 'no-verdict')
    for (const [k, ps] of parts.length > 0 && parts.some(([, x]) => !UNDECIDED[x])
      ? parts
      : [[id, s] as const]) {
      const why = UNDECIDED[ps]
      if (why) by.set(why, [...(by.get(why) ?? []), k])
    }
  }
  for (const [why, ids] of by) out.undecided.push(`${why}: ${ids.join(', ')}`)
  return out
}
