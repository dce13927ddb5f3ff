/**
 * The size section: what padding a credential costs per request — a JWT carrying the bytes on every request against
 * a session keeping them server-side — where the 4 KB cookie limit and Node's 16 KB header limit bite, and C9.
 */
import { decide } from '../../lib/evidence.js'
import { smokeVerdicts } from '../../lib/smoke.js'
import type { Chart, Claim, ExperimentResult, InvalidEntry, Table, Verdict } from '../../report/schema.js'
import type { SizeMeasurement, SizePoint, SizeSizes } from './measure.js'
import { APP_TOKEN_CAP, COOKIE_LIMIT, NODE_HEADER_LIMIT } from './measure.js'

export const CLAIMS: readonly Claim[] = [
  { id: 'C9', text: 'Large token or session payloads hurt performance.' },
]

const valid = (p: SizePoint) => p.non2xx === 0 && p.errors === 0 && p.responses > 0

/** Where a limit bites for this credential, had it been carried that way. */
function limits(p: SizePoint): string {
  if (p.app === 'stateful') return 'none: the cookie stays 43 chars'
  const out: string[] = []
  if (p.credentialChars + 3 > COOKIE_LIMIT) out.push('too big for a browser cookie (4096 B)')
  if (p.credentialChars > APP_TOKEN_CAP)
    out.push("over the app's 4096-char token cap (401 without the lab knob)")
  return out.length > 0 ? out.join('; ') : 'fits'
}

/** Median CPU µs per request, with its min–max over the rounds when there were several. */
function cpuCell(p: SizePoint): string | number | null {
  if (p.cpuUsPerReq === null) return null
  const rs = (p.cpuUsByRound ?? []).filter((x): x is number => x !== null)
  if (rs.length < 2) return Math.round(p.cpuUsPerReq)
  return `${Math.round(p.cpuUsPerReq)} (${Math.round(Math.min(...rs))}–${Math.round(Math.max(...rs))})`
}

export function sizeTable(m: SizeMeasurement): Table {
  return {
    title: 'GET /me with padded credentials',
    columns: [
      'app',
      'padding (B)',
      'token / cookie (chars)',
      'claims or stored data (B)',
      'credential bytes per request',
      'req/s',
      'CPU µs/req (min–max over rounds)',
      'p99 (ms)',
      'non-2xx',
      'limits',
    ],
    rows: m.points.map((p) => [
      valid(p) ? p.config : `${p.config} (INVALID: non-2xx or errors)`,
      p.padBytes,
      p.credentialChars,
      p.dataBytes,
      p.requestBytes,
      Math.round(p.rps),
      cpuCell(p),
      p.p99Ms,
      p.non2xx + p.errors,
      limits(p),
    ]),
    notes: [
      m.probe
        ? `Header-limit probe: a token padded by ${m.probe.padBytes} B made the request's credential ${m.probe.requestBytes} B; the server answered ${m.probe.status} (Node refuses request headers over ${NODE_HEADER_LIMIT} B with 431 before the app sees them).`
        : 'Header-limit probe: not run.',
      `Cookie limit: browsers drop a cookie whose name + value exceed ${COOKIE_LIMIT} B (RFC 6265 §6.1), so a JWT kept in a cookie stops working silently at that size; computed from the token length, not observed in a browser.`,
      'Stateful padding sits in the SQLite row: it is read and parsed per request, but never crosses the network.',
    ],
  }
}

export function sizeChart(m: SizeMeasurement): Chart {
  const values = m.points.filter(valid).map((p) => ({
    app: p.app === 'stateless' ? 'JWT (bytes in the token)' : 'session (bytes in the row)',
    pad: p.padBytes,
    cpu: p.cpuUsPerReq === null ? null : Math.round(p.cpuUsPerReq),
    rps: Math.round(p.rps),
    wire: p.requestBytes,
  }))
  return {
    id: 'cpu-per-request',
    title: 'Server CPU per request against the padding',
    caption:
      'CPU µs per GET /me (server process, /proc) for each padding size; hover a point for req/s and the bytes each request carried.',
    vegaLiteSpec: {
      $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
      data: { values },
      width: 480,
      height: 240,
      mark: { type: 'line', point: true, tooltip: true },
      encoding: {
        x: { field: 'pad', type: 'quantitative', title: 'padding (bytes)' },
        y: { field: 'cpu', type: 'quantitative', title: 'server CPU µs per request' },
        color: { field: 'app', type: 'nominal', title: null },
        tooltip: [
          { field: 'app' },
          { field: 'pad', title: 'padding B' },
          { field: 'cpu', title: 'µs/req' },
          { field: 'rps', title: 'req/s' },
          { field: 'wire', title: 'credential B/request' },
        ],
      },
    },
  }
}

/** Per-round CPU µs of a point; files from before the rounds carry only the single value. */
const byRound = (p: SizePoint): (number | null)[] => p.cpuUsByRound ?? [p.cpuUsPerReq]

/** Smallest vs largest padding of one app, round by round (lib/evidence.ts): higher, same, lower or inconclusive. */
function sweep(points: readonly SizePoint[], app: SizePoint['app']) {
  const pts = points.filter((p) => p.app === app && valid(p)).sort((a, b) => a.padBytes - b.padBytes)
  const small = pts[0]
  const big = pts.at(-1)
  if (!small || !big || small === big || !small.cpuUsPerReq || !big.cpuUsPerReq) return null
  const d = decide(byRound(big), byRound(small), {
    // "No measurable cost" needs every round within 5 % of the small payload's CPU (at least 1 µs).
    tolerance: Math.max(1, 0.05 * small.cpuUsPerReq),
    names: [`${big.padBytes} B`, `${small.padBytes} B`],
  })
  return { small, big, d }
}

const round0 = (x: number) => Math.round(x)

export function sizeVerdicts(m: SizeMeasurement): Verdict[] {
  const jwt = sweep(m.points, 'stateless')
  if (!jwt) return []
  const ses = sweep(m.points, 'stateful')
  const { small, big, d } = jwt
  const cpuRatio = (big.cpuUsPerReq as number) / (small.cpuUsPerReq as number)
  const rpsRatio = big.rps / small.rps
  const sesText = ses
    ? ` The session with the same bytes in its SQLite row (${ses.big.requestBytes} B per request throughout) went ${round0(ses.small.cpuUsPerReq as number)} → ${round0(ses.big.cpuUsPerReq as number)} µs/req: ${ses.d.verdict === 'inconclusive' ? `not decided (${ses.d.why})` : `${ses.d.verdict} (${ses.d.why})`}.`
    : ''
  const probe = m.probe
    ? ` Past Node's header limit (${m.probe.requestBytes} B of credential) the request was refused with ${m.probe.status}.`
    : ''
  const s = ses?.d.verdict
  const status: Verdict['status'] =
    d.verdict === 'higher'
      ? s === 'higher'
        ? 'supported'
        : s === 'same' || s === 'lower'
          ? 'mixed'
          : 'inconclusive'
      : d.verdict === 'same'
        ? s === 'same'
          ? 'refuted'
          : s === 'higher'
            ? 'mixed'
            : 'inconclusive'
        : 'inconclusive'
  const decided =
    d.verdict === 'inconclusive'
      ? ` The JWT's sizes are not decided: ${d.why}.`
      : ` JWT, ${big.padBytes} B against ${small.padBytes} B of padding: ${d.verdict} (${d.why}).`
  return [
    {
      claim: 'C9',
      status,
      text:
        `A JWT padded from ${small.dataBytes} to ${big.dataBytes} B of claims (${small.requestBytes} → ${big.requestBytes} B on every request) cost ${round0(small.cpuUsPerReq as number)} → ${round0(big.cpuUsPerReq as number)} µs of server CPU per request (${cpuRatio.toFixed(2)}×, medians of ${d.rounds} round(s)) and ${round0(small.rps)} → ${round0(big.rps)} req/s (${rpsRatio.toFixed(2)}×).` +
        decided +
        sesText +
        ` Limits bite before speed does: above ~3 KB of claims the token no longer fits a browser cookie (${COOKIE_LIMIT} B) and exceeds the app's own ${APP_TOKEN_CAP}-char cap.` +
        probe,
    },
  ]
}

export function sizeInvalid(m: SizeMeasurement): InvalidEntry[] {
  return m.points
    .filter((p) => !valid(p))
    .map((p) => ({
      variant: `${p.config} +${p.padBytes} B`,
      reason: `${p.non2xx} non-2xx and ${p.errors} errors under load`,
    }))
}

export function buildSizeResult(m: SizeMeasurement, sizes: SizeSizes, quick: boolean): ExperimentResult {
  return {
    id: 'size',
    title: 'Token and session size (C9)',
    claims: [...CLAIMS],
    method: [
      `For each padding (${sizes.padBytes.join(', ')} B) one stateless server (HS256, REVOCATION=none) with the lab knob \`JWT_EXTRA_CLAIM_BYTES\` `,
      '(a `pad` claim in every access token) and one stateful server (SQLite sessions) with `SESSION_EXTRA_DATA_BYTES` (the same bytes in the session row). ',
      `${sizes.users} users log in; autocannon loads \`GET /me\` with ${sizes.connections} connections for ${sizes.durationSec} s after a ${sizes.warmupSec} s warm-up; `,
      'server CPU from /proc before and after. ',
      `Every server is first settled with ${sizes.settleSec} s of load (thrown away: V8's JIT warm-up), then visited once per round, ${sizes.rounds} round(s), each round in its own shuffled order, so a host that drifts during the sweep moves every size alike; figures are medians (min–max over rounds), CPU divided by the requests the server counted (its own metrics). `,
      "C9 is decided per app on the largest against the smallest padding, round by round: a ✔/✘ needs the difference to exceed the between-round spread in every round (docs/benchmarks.md). The knob raises the app's token-length cap by the padding so the sweep measures cost rather than the cap. ",
      `One more stateless server pads by ${sizes.probePadBytes} B and sends one request past Node's ${NODE_HEADER_LIMIT} B header limit.`,
    ].join(''),
    tables: [sizeTable(m)],
    charts: [sizeChart(m)],
    verdicts: smokeVerdicts(sizeVerdicts(m), quick),
    invalid: sizeInvalid(m),
    raw: { sizes, measurement: m },
  }
}
