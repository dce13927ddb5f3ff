/**
 * The size section: what padding a credential costs per request — a JWT carrying the bytes on every request against
 * a session keeping them server-side — where the 4 KB cookie limit and Node's 16 KB header limit bite, and C9.
 */
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
      'CPU µs/req',
      'p99 (ms)',
      'non-2xx',
      'limits',
    ],
    rows: m.points.map((p) => [
      p.config,
      p.padBytes,
      p.credentialChars,
      p.dataBytes,
      p.requestBytes,
      Math.round(p.rps),
      p.cpuUsPerReq === null ? null : Math.round(p.cpuUsPerReq),
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

export function sizeVerdicts(m: SizeMeasurement): Verdict[] {
  const jwt = m.points
    .filter((p) => p.app === 'stateless' && valid(p))
    .sort((a, b) => a.padBytes - b.padBytes)
  const ses = m.points.filter((p) => p.app === 'stateful' && valid(p)).sort((a, b) => a.padBytes - b.padBytes)
  const small = jwt[0]
  const big = jwt.at(-1)
  if (!small || !big || small === big || !small.cpuUsPerReq || !big.cpuUsPerReq) return []
  const cpuRatio = big.cpuUsPerReq / small.cpuUsPerReq
  const rpsRatio = big.rps / small.rps
  const sSmall = ses[0]
  const sBig = ses.at(-1)
  const sesText =
    sSmall?.cpuUsPerReq && sBig?.cpuUsPerReq && sSmall !== sBig
      ? ` The session with the same bytes in its row went ${Math.round(sSmall.cpuUsPerReq)} → ${Math.round(sBig.cpuUsPerReq)} µs/req with ${sBig.requestBytes} B per request throughout.`
      : ''
  const probe = m.probe
    ? ` Past Node's header limit (${m.probe.requestBytes} B of credential) the request was refused with ${m.probe.status}.`
    : ''
  return [
    {
      claim: 'C9',
      status:
        cpuRatio >= 1.25 || rpsRatio <= 0.8
          ? 'supported'
          : cpuRatio <= 1.1 && rpsRatio >= 0.9
            ? 'refuted'
            : 'mixed',
      text:
        `A JWT padded from ${small.dataBytes} to ${big.dataBytes} B of claims (${small.requestBytes} → ${big.requestBytes} B on every request) cost ${Math.round(small.cpuUsPerReq)} → ${Math.round(big.cpuUsPerReq)} µs of server CPU per request (${cpuRatio.toFixed(2)}×) and ${Math.round(small.rps)} → ${Math.round(big.rps)} req/s (${rpsRatio.toFixed(2)}×).` +
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
      "server CPU from /proc before and after. The knob raises the app's token-length cap by the padding so the sweep measures cost rather than the cap. ",
      `One more stateless server pads by ${sizes.probePadBytes} B and sends one request past Node's ${NODE_HEADER_LIMIT} B header limit.`,
    ].join(''),
    tables: [sizeTable(m)],
    charts: [sizeChart(m)],
    verdicts: smokeVerdicts(sizeVerdicts(m), quick),
    invalid: sizeInvalid(m),
    raw: { sizes, measurement: m },
  }
}
