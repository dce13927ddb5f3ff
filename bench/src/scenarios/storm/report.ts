/**
 * The storm section: the refresh rate when every token was issued at once and expires at once, with and without
 * ACCESS_TTL_JITTER, and whether the server kept up (non-2xx, p99 from each client's due time).
 */
import { smokeVerdicts } from '../../lib/smoke.js'
import type { Chart, Claim, ExperimentResult, InvalidEntry, Table, Verdict } from '../../report/schema.js'
import type { StormCase, StormSizes } from './measure.js'

export const CLAIMS: readonly Claim[] = [
  {
    id: 'storm',
    text: 'Tokens issued at once expire at once; expiry jitter spreads the refresh storm that follows.',
  },
]

const name = (c: StormCase) => (c.jitterSec === 0 ? 'no jitter' : `jitter ${c.jitterSec} s`)
const s1 = (ms: number | null) => (ms === null ? null : Math.round(ms / 100) / 10)

export function stormTable(cases: readonly StormCase[]): Table {
  return {
    title: "Refreshes of every client: wave 1 (all at once) and wave 2 (each at its token's exp)",
    columns: [
      'case',
      'wave',
      'refreshes',
      'non-2xx / errors',
      'peak asked (/s)',
      'peak served (/s)',
      'p50 (s)',
      'p99 (s)',
      'wave lasted (s)',
    ],
    rows: cases.flatMap((c) =>
      (
        [
          ['1 (issue)', c.wave1],
          ['2 (expiry)', c.wave2],
        ] as const
      ).map(([w, st]) => [
        name(c),
        w,
        st.requests,
        `${st.non2xx} / ${st.errors}`,
        Math.round(st.peakDuePerSec),
        Math.round(st.peakServedPerSec),
        s1(st.p50Ms),
        s1(st.p99Ms),
        Math.round(st.spanSec * 10) / 10,
      ]),
    ),
    notes: [
      'Latency counts from the moment a client wanted its refresh (its due time), so the time spent queued behind the storm is included.',
      'Peaks come from the busiest bucket of the time series; clients refresh at `exp`, a whole second, so due times cluster on second boundaries.',
    ],
  }
}

/**
 * Wave 2 over time: at each bucket, the refreshes asked in the second that ends there (the sum of the last
 * 1000 / bucketMs buckets), the quantity the table's "peak asked (/s)" is the maximum of. Until session 11 the chart
 * scaled each 250 ms bucket ×4, and because every refresh due in a second lands at one instant (`exp` is whole
 * seconds) it drew 4× the table's peak (review R4; the table had been fixed in session 9, review E2).
 */
export function stormChart(cases: readonly StormCase[], bucketMs: number): Chart {
  const k = Math.max(1, Math.round(1000 / bucketMs))
  const values = cases.flatMap((c) =>
    c.wave2.dueBuckets.map((_, i, b) => ({
      case: name(c),
      t: ((i + 1) * bucketMs) / 1000,
      asked: b.slice(Math.max(0, i - k + 1), i + 1).reduce((a, x) => a + x, 0),
    })),
  )
  return {
    id: 'wave-2',
    title: 'Wave 2: refreshes asked in the last second, after the tokens issued at once expire',
    caption: `At each ${bucketMs} ms step, the refresh requests that fell due in the second before it (its maximum is the table's peak asked per second), from the first expiry; hover for the value.`,
    vegaLiteSpec: {
      $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
      data: { values },
      width: 480,
      height: 220,
      mark: { type: 'line', interpolate: 'step-after', tooltip: true },
      encoding: {
        x: { field: 't', type: 'quantitative', title: 'seconds since the first token expired' },
        y: { field: 'asked', type: 'quantitative', title: 'refreshes asked in the last second' },
        color: { field: 'case', type: 'nominal', title: null },
        tooltip: [{ field: 'case' }, { field: 't', format: '.2f' }, { field: 'asked', format: '.0f' }],
      },
    },
  }
}

export function stormVerdicts(cases: readonly StormCase[]): Verdict[] {
  const plain = cases.find((c) => c.jitterSec === 0)
  const jit = cases.find((c) => c.jitterSec > 0)
  if (!plain || !jit) return []
  const failed = cases.reduce(
    (n, c) => n + c.wave1.non2xx + c.wave1.errors + c.wave2.non2xx + c.wave2.errors,
    0,
  )
  const cut = jit.wave2.peakDuePerSec / Math.max(1, plain.wave2.peakDuePerSec)
  return [
    {
      claim: 'storm',
      status: failed === 0 && cut <= 0.8 ? 'supported' : failed > 0 ? 'mixed' : 'inconclusive',
      text:
        `${plain.wave1.requests} clients refreshing at once were served at up to ${Math.round(plain.wave1.peakServedPerSec)}/s, p99 ${s1(plain.wave1.p99Ms)} s from the moment they asked. ` +
        `When those tokens expired, the clients asked for up to ${Math.round(plain.wave2.peakDuePerSec)} refreshes/s without jitter (p99 ${s1(plain.wave2.p99Ms)} s) ` +
        `and ${Math.round(jit.wave2.peakDuePerSec)}/s with ${jit.jitterSec} s of jitter (${cut.toFixed(2)}×, p99 ${s1(jit.wave2.p99Ms)} s); ` +
        `${failed === 0 ? 'no refresh failed' : `${failed} refreshes failed`}. Without jitter the storm repeats every ACCESS_TTL, only smoothed by how long the server took to issue the first wave.`,
    },
  ]
}

export function stormInvalid(cases: readonly StormCase[]): InvalidEntry[] {
  return cases
    .filter((c) => c.wave2.requests < c.wave1.requests)
    .map((c) => ({
      variant: name(c),
      reason: `${c.wave1.requests - c.wave2.requests} clients never reached wave 2`,
    }))
}

export function buildStormResult(
  cases: readonly StormCase[],
  sizes: StormSizes,
  quick: boolean,
): ExperimentResult {
  return {
    id: 'storm',
    title: 'Refresh storm after a mass issue, with and without expiry jitter',
    claims: [...CLAIMS],
    method: [
      `${sizes.users.toLocaleString('en')} users log in. Two stateless servers (HS256, REVOCATION=none, ACCESS_TTL=${sizes.accessTtlSec} s, CLOCK_TOLERANCE=0) share one DB and key file; `,
      `the second has the lab knob \`ACCESS_TTL_JITTER=${sizes.jitterSec}\` (each lifetime shortened by a random 0…${sizes.jitterSec} s). `,
      'Per server: every client refreshes at the same instant (wave 1: the tokens are issued at once, as after a deploy or a restart with per-boot keys), ',
      "then each client refreshes again at its new token's `exp` (wave 2: the storm). ",
      `At most ${sizes.inFlight} requests are in flight at once; the rest queue in the harness, and latency counts from each client's due time. The servers run one after the other.`,
    ].join(''),
    tables: [stormTable(cases)],
    charts: [stormChart(cases, sizes.bucketMs)],
    verdicts: smokeVerdicts(stormVerdicts(cases), quick),
    invalid: stormInvalid(cases),
    raw: { sizes, cases },
  }
}
