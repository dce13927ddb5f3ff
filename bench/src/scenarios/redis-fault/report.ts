/** The redis-fault section: what the load saw while Redis was down, how fast it recovered, what was lost. */
import { share } from '../../lib/stats.js'
import type { Chart, Claim, ExperimentResult, Table, Verdict } from '../../report/schema.js'
import type { FaultRun, FaultSizes } from './measure.js'

export const CLAIMS: readonly Claim[] = [
  {
    id: 'redis-fault',
    text: 'A Redis outage is a fault, not a logout: 503 store_unavailable while down (never 401 or 500), service back within a second of Redis returning, no session lost across the restart with AOF everysec.',
  },
]

const METHOD = (s: FaultSizes) =>
  `Per app (\`stateful-redis\`, \`stateless-hs256-denylist-redis\`): one instance on a bench-owned redis-server started with \`--appendonly yes --appendfsync everysec\` on a temp dir. ${s.users} users log in; after 1.2 s (so every login is on disk) a ${s.connections}-connection load runs on GET /me (each connection a different user). After ${s.beforeSec} s redis-server is SIGKILLed, left down ${s.outageSec} s, then restarted on the same port and dir (the AOF replays). A probe during the outage reads the body's \`error\` code and \`Retry-After\`; after the restart a probe every 20 ms times the first 200. After the load every user's credential is checked (stateful: /me; stateless: POST /auth/refresh, i.e. the refresh family survived).`

export function faultTable(runs: readonly FaultRun[]): Table {
  return {
    title: 'Redis killed mid-load: answers during the outage, recovery, sessions lost',
    columns: [
      'configuration',
      'responses (all statuses)',
      '503 between the kill and recovery (share of the responses then)',
      '401',
      '500',
      'probe while down',
      'recovered after restart (ms)',
      'sessions lost / users',
    ],
    rows: runs.map((r) => [
      r.config,
      r.responses,
      `${r.outage503} (${(100 * share(r.outage503, r.outageResponses)).toFixed(1)} %)`,
      r.statusCounts['401'] ?? 0,
      r.statusCounts['500'] ?? 0,
      `${r.probe.status} ${r.probe.code ?? '–'}, Retry-After ${r.probe.retryAfter ?? '–'}`,
      r.recoverMs,
      `${r.lost} / ${r.users}`,
    ]),
    notes: [
      'Outage responses = responses in the 100 ms buckets from the kill to the first 200 after the restart; the rest of the run answered 200.',
      'Connection errors of the load generator (none expected: the app stays up) are counted apart.',
    ],
  }
}

export function faultChart(runs: readonly FaultRun[]): Chart {
  const values = runs.flatMap((r) =>
    r.series.buckets.flatMap((b) =>
      (
        [
          ['200', b.ok],
          ['401', b.unauthorized],
          ['other non-2xx (503)', b.otherNon2xx],
          ['errors', b.errors],
        ] as const
      ).map(([what, n]) => ({ config: r.config, s: b.t / 1000, what, n, event: null })),
    ),
  )
  const marks = runs.flatMap((r) => [
    { config: r.config, s: r.series.killAt / 1000, what: null, n: null, event: 'Redis killed' },
    { config: r.config, s: r.series.restartAt / 1000, what: null, n: null, event: 'Redis restarted' },
  ])
  return {
    id: 'timeline',
    title: 'Responses per 100 ms across the Redis outage',
    caption: 'Stacked per 100 ms bucket; the dashed rules mark the SIGKILL and the restart.',
    vegaLiteSpec: {
      $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
      // One data set (facets need it at the top), split per layer by filter.
      data: { values: [...values, ...marks] },
      facet: { row: { field: 'config', type: 'nominal', title: null } },
      spec: {
        width: 520,
        height: 140,
        layer: [
          {
            transform: [{ filter: 'datum.event === null' }],
            mark: 'bar',
            encoding: {
              x: { field: 's', type: 'quantitative', title: 'seconds into the load' },
              y: { field: 'n', type: 'quantitative', stack: true, title: 'responses' },
              color: { field: 'what', type: 'nominal', title: null },
            },
          },
          {
            transform: [{ filter: 'datum.event !== null' }],
            mark: { type: 'rule', strokeDash: [4, 3] },
            encoding: { x: { field: 's', type: 'quantitative' }, tooltip: [{ field: 'event' }] },
          },
        ],
      },
    },
  }
}

export function faultVerdict(runs: readonly FaultRun[], quick: boolean): Verdict {
  const bad = runs.filter(
    (r) =>
      (r.statusCounts['401'] ?? 0) > 0 ||
      (r.statusCounts['500'] ?? 0) > 0 ||
      r.outage503 === 0 ||
      r.recoverMs === null ||
      r.lost > 0,
  )
  const figure = runs
    .map((r) => `${r.config}: ${r.outage503} × 503, back in ${r.recoverMs ?? '–'} ms, ${r.lost} lost`)
    .join('; ')
  return {
    claim: 'redis-fault',
    text:
      bad.length === 0
        ? `Every app answered 503 store_unavailable while Redis was down (no 401, no 500), served again after the restart, and lost no session: ${figure}.`
        : `Not met for ${bad.map((r) => r.config).join(', ')}: ${figure}.`,
    status: quick ? undefined : bad.length === 0 ? 'supported' : 'refuted',
    figure,
  }
}

export function buildFaultResult(runs: FaultRun[], s: FaultSizes, quick: boolean): ExperimentResult {
  // A fault run that saw no outage at all (Redis never answered 503) measured nothing: say so, never a pass.
  const invalid = runs
    .filter((r) => r.outageResponses === 0)
    .map((r) => ({ variant: r.config, reason: 'no responses during the outage: the load did not cover it' }))
  return {
    id: 'redis-fault',
    title: 'Redis outage mid-load (issue 12)',
    claims: [...CLAIMS],
    method: METHOD(s),
    banner: quick ? 'Smoke run (--quick): a shorter outage, figures only.' : undefined,
    tables: [faultTable(runs)],
    charts: [faultChart(runs)],
    verdicts: [faultVerdict(runs, quick)],
    invalid,
    raw: { sizes: s, runs },
  }
}
