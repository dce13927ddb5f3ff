/**
 * The TTL section: refresh traffic and its measured server CPU per 10,000 active users against the exposure window of
 * a stolen access token, for each ACCESS_TTL — one trade-off chart and the C8 verdict.
 */
import { smokeVerdicts } from '../../lib/smoke.js'
import type { Chart, Claim, ExperimentResult, InvalidEntry, Table, Verdict } from '../../report/schema.js'
import type { TtlMeasurement, TtlPoint, TtlSizes } from './measure.js'
import { ACTIVE_USERS, CLOCK_TOLERANCE_SEC } from './measure.js'

export const CLAIMS: readonly Claim[] = [
  { id: 'C8', text: 'A short access-token TTL limits the damage of a theft but costs refreshes.' },
]

export interface TtlRow {
  ttlSec: number
  targetRps: number
  achievedRps: number
  /** Server CPU the refreshes cost, in cores (idle baseline removed). */
  cores: number
  /**
   * ± cores this window can resolve: /proc counts CPU in 10 ms ticks, once in the window and once in the idle
   * baseline it subtracts. At ACCESS_TTL 3600 s (2.8 refreshes/s, ~1 ms each) the refreshes cost about one tick
   * per window: a figure inside this is a tick, not a cost (it read "2 µs per refresh" and "51792×" once).
   */
  resolutionCores: number
  /** Null when the window's CPU is within resolutionCores. */
  cpuUsPerRefresh: number | null
  exposureSec: number
  p99Ms: number | null
  valid: boolean
}

const r1 = (x: number) => Math.round(x * 10) / 10
/** /proc's CPU clock tick. */
const TICK_SEC = 0.01

export function ttlRows(m: TtlMeasurement): TtlRow[] {
  const idleUsPerSec = m.idleWindowSec > 0 ? m.idleCpuUs / m.idleWindowSec : 0
  return m.points.map((p: TtlPoint) => {
    const netUs = Math.max(0, p.cpuUs - idleUsPerSec * p.windowSec)
    const cores = netUs / 1e6 / p.windowSec
    const resolutionCores = TICK_SEC / p.windowSec + (m.idleWindowSec > 0 ? TICK_SEC / m.idleWindowSec : 0)
    return {
      ttlSec: p.ttlSec,
      targetRps: p.targetRps,
      achievedRps: p.ok / p.windowSec,
      cores,
      resolutionCores,
      cpuUsPerRefresh: p.ok > 0 && cores > resolutionCores ? netUs / p.ok : null,
      exposureSec: p.ttlSec + CLOCK_TOLERANCE_SEC,
      p99Ms: p.p99Ms,
      valid: p.failed === 0 && p.skipped === 0 && p.ok > 0,
    }
  })
}

export function ttlTable(rows: readonly TtlRow[]): Table {
  return {
    title: `Refreshes of ${ACTIVE_USERS.toLocaleString('en')} active users, run at their rate against one server`,
    columns: [
      'ACCESS_TTL (s)',
      'refreshes/s (target)',
      'refreshes/s (served)',
      'server CPU (% of one core)',
      'CPU µs per refresh',
      'p99 (ms)',
      'stolen token usable for (s)',
    ],
    rows: rows.map((r) => [
      r.ttlSec,
      r1(r.targetRps),
      r1(r.achievedRps),
      r.cores > r.resolutionCores ? r1(r.cores * 100) : `below resolution (±${r1(r.resolutionCores * 100)})`,
      r.cpuUsPerRefresh === null ? null : Math.round(r.cpuUsPerRefresh),
      r.p99Ms,
      r.exposureSec,
    ]),
    notes: [
      'CPU is /proc utime+stime of the server over the window minus an idle window of the same length, counted in 10 ms clock ticks: a window whose CPU is within one tick of the window and one of the baseline is shown as below resolution, with no per-refresh figure; read that figure from the high rates.',
      `Exposure = ACCESS_TTL + CLOCK_TOLERANCE (${CLOCK_TOLERANCE_SEC} s) under REVOCATION=none: a thief's copy works that long after the theft at most.`,
    ],
  }
}

export function tradeOffChart(rows: readonly TtlRow[]): Chart {
  const values = rows.map((r) => ({
    exposure: r.exposureSec,
    cpu: r1(r.cores * 100),
    rps: r1(r.targetRps),
    label: `TTL ${r.ttlSec} s: ${r1(r.targetRps)}/s`,
  }))
  return {
    id: 'trade-off',
    title: `ACCESS_TTL trade-off per ${ACTIVE_USERS.toLocaleString('en')} active users`,
    caption:
      'Each point is one ACCESS_TTL: how long a stolen access token works (x, log scale) against the measured server CPU its refreshes cost (y).',
    vegaLiteSpec: {
      $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
      data: { values },
      width: 480,
      height: 260,
      encoding: {
        x: {
          field: 'exposure',
          type: 'quantitative',
          scale: { type: 'log' },
          title: 'stolen access token usable for (s)',
        },
        y: { field: 'cpu', type: 'quantitative', title: 'server CPU for refreshes (% of one core)' },
        tooltip: [
          { field: 'label' },
          { field: 'cpu', title: '% core' },
          { field: 'exposure', title: 'exposure s' },
        ],
      },
      layer: [
        { mark: { type: 'line', point: true, tooltip: true } },
        {
          mark: { type: 'text', align: 'left', dx: 5, dy: -6, fontSize: 10 },
          encoding: { text: { field: 'label' } },
        },
      ],
    },
  }
}

export function ttlVerdicts(rows: readonly TtlRow[]): Verdict[] {
  const valid = rows.filter((r) => r.valid)
  if (valid.length < 2) return []
  const short = valid.reduce((a, b) => (a.ttlSec < b.ttlSec ? a : b))
  const long = valid.reduce((a, b) => (a.ttlSec > b.ttlSec ? a : b))
  const costs = short.cores > short.resolutionCores && short.cores > 2 * long.cores
  return [
    {
      claim: 'C8',
      status: costs ? 'supported' : 'inconclusive',
      text:
        `For ${ACTIVE_USERS.toLocaleString('en')} active users, ACCESS_TTL ${short.ttlSec} s means ${r1(short.targetRps)} refreshes/s costing ${r1(short.cores * 100)}% of a core ` +
        `and a stolen token usable ≤ ${short.exposureSec} s; ACCESS_TTL ${long.ttlSec} s means ${r1(long.targetRps)}/s, ${long.cores > long.resolutionCores ? `${r1(long.cores * 100)}% of a core` : 'CPU below the resolution'}, and ≤ ${long.exposureSec} s of exposure. ` +
        (costs
          ? `Cutting the window ${Math.round(long.exposureSec / short.exposureSec)}× multiplies the refreshes ${r1(short.targetRps / long.targetRps)}× and their CPU ${long.cores > long.resolutionCores ? `${r1(short.cores / long.cores)}×` : `from below this method's resolution (±${r1(long.resolutionCores * 100)} % of a core) to ${r1(short.cores * 100)} %`}.`
          : 'The CPU difference was within the measurement resolution here.'),
    },
  ]
}

export function ttlInvalid(m: TtlMeasurement): InvalidEntry[] {
  return m.points
    .filter((p) => p.failed > 0 || p.skipped > 0 || p.ok === 0)
    .map((p) => ({
      variant: `ACCESS_TTL ${p.ttlSec}s`,
      reason: `${p.failed} refreshes failed and ${p.skipped} could not be sent (every chain busy): the server did not keep up with ${r1(p.targetRps)}/s`,
    }))
}

export function buildTtlResult(m: TtlMeasurement, sizes: TtlSizes, quick: boolean): ExperimentResult {
  const rows = ttlRows(m)
  return {
    id: 'ttl',
    title: 'Access-token TTL: refresh cost against exposure (C8)',
    claims: [...CLAIMS],
    method: [
      `${ACTIVE_USERS.toLocaleString('en')} active users refresh once per ACCESS_TTL, i.e. ${ACTIVE_USERS.toLocaleString('en')} / TTL refreshes per second. `,
      `For each TTL (${sizes.ttlsSec.join(', ')} s) the harness sends that rate, open loop, for ${sizes.windowSec} s to one stateless server (HS256, REVOCATION=none), `,
      `rotating the refresh chains of ${sizes.users} logged-in users, after a discarded warm-up at the highest rate. `,
      'Server CPU comes from /proc/<pid>/stat before and after each window, minus an idle window of the same length. ',
      'The server is pinned to its core when taskset is available; the refreshes come from the harness process.',
    ].join(''),
    tables: [ttlTable(rows)],
    charts: [tradeOffChart(rows)],
    verdicts: smokeVerdicts(ttlVerdicts(rows), quick),
    invalid: ttlInvalid(m),
    raw: { sizes, measurement: m, rows },
  }
}
