/** The load-balancer section of the report: tables, the configuration × policy chart and the C3 verdicts. */
import { type ConfigId, STATE_CONFIGS } from '../../lib/configs.js'
import type { ProxyPolicy } from '../../lib/proxy.js'
import type { Chart, Claim, ExperimentResult, Table, Verdict } from '../../report/schema.js'
import type { LbCell, LbKill, LbReplay, LbResults, LbSizes } from './measure.js'
import { POLICIES } from './measure.js'

export const CLAIMS: readonly Claim[] = [
  {
    id: 'C3',
    text: 'Behind a load balancer sessions need sticky routing or a central store; JWTs need neither.',
  },
]

const pct = (x: number) => Math.round(x * 1000) / 10
const fmtPct = (x: number) => `${pct(x)} %`

/** Spread as "i0 34 % · i1 33 % · i2 33 %". */
export function spreadText(spread: Record<string, number>): string {
  const total = Object.values(spread).reduce((a, b) => a + b, 0)
  return Object.entries(spread)
    .map(([id, n]) => `${id} ${total > 0 ? Math.round((n / total) * 100) : 0} %`)
    .join(' · ')
}

export function cellsTable(cells: readonly LbCell[]): Table {
  return {
    title: 'GET /me through the balancer, each connection a different logged-in user',
    columns: [
      'configuration',
      'policy',
      'users',
      '2xx (%)',
      '2xx req/s',
      'all req/s',
      'responses',
      'statuses',
      'spread over instances',
    ],
    rows: cells.map((c) => [
      c.config,
      c.policy,
      c.users,
      pct(c.ok2xxShare),
      Math.round(c.rps2xx),
      Math.round(c.rpsAll),
      c.responses,
      Object.entries(c.statusCounts)
        .map(([s, n]) => `${s}×${n}`)
        .join(' '),
      spreadText(c.spread),
    ]),
    notes: [
      "Throughput here is the balancer's (one Node process forwarding with hono/proxy), shared with N instances and the load generator on the same cores: compare the 2xx shares, not req/s, across rows.",
    ],
  }
}

export function killsTable(kills: readonly LbKill[]): Table {
  return {
    title:
      'One instance SIGKILLed mid-run (sticky policy; round-robin for the Redis rows); its users are redispatched to a live instance',
    columns: [
      'configuration',
      'killed',
      'its users',
      'its users still logged in (%)',
      'other users still logged in (%)',
      'load: 2xx / 401 / 502 / errors',
    ],
    rows: kills.map((k) => {
      const sum = (f: (b: LbKill['series']['buckets'][number]) => number) =>
        k.series.buckets.reduce((n, b) => n + f(b), 0)
      return [
        k.config,
        k.victim,
        k.victimUsers === 0 ? 'none (round-robin)' : k.victimUsers,
        k.victimUsers === 0 ? 'n/a: no user lives on one instance' : pct(k.victimOkAfter),
        pct(k.othersOkAfter),
        `${sum((b) => b.ok)} / ${sum((b) => b.unauthorized)} / ${sum((b) => b.otherNon2xx)} / ${sum((b) => b.errors)}`,
      ]
    }),
  }
}

const outcome = (o: number | 'error') =>
  o === 200 ? 'accepted (200)' : o === 'error' ? 'no answer' : `refused (${o})`

export function replaysTable(replays: readonly LbReplay[]): Table {
  return {
    title: 'Logout on instance A, then the old credential replayed on instance B',
    columns: [
      'configuration',
      'REVOCATION',
      'valid on B before logout',
      'replay on B after logout (Redis rows: B, C, …)',
      'replay on A after logout',
    ],
    rows: replays.map((r) => [
      r.config,
      r.revocation,
      outcome(r.validOnB),
      r.replayOnRest && r.replayOnRest.length > 0
        ? [r.replayOnB, ...r.replayOnRest].map(outcome).join(', ')
        : outcome(r.replayOnB),
      outcome(r.replayOnA),
    ]),
    notes: [
      "Stateful logout deletes the session row; stateless logout revokes the refresh family and, with denylist, deny-lists the access token's jti in the shared SQLite file.",
    ],
  }
}

export function matrixChart(cells: readonly LbCell[]): Chart {
  const values = cells.map((c) => ({
    config: c.config,
    policy: c.policy,
    share: pct(c.ok2xxShare),
    label: `${pct(c.ok2xxShare)} %`,
  }))
  return {
    id: 'matrix',
    title: 'Share of GET /me answered 2xx: configuration × balancing policy',
    caption:
      'Green: every logged-in user is served; red: most requests land on an instance that does not know the credential.',
    vegaLiteSpec: {
      $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
      data: { values },
      width: 260,
      height: 200,
      encoding: {
        x: { field: 'policy', type: 'nominal', title: 'policy', sort: POLICIES, axis: { labelAngle: 0 } },
        y: { field: 'config', type: 'nominal', title: null, sort: STATE_CONFIGS.map((c) => c.id) },
      },
      layer: [
        {
          mark: 'rect',
          encoding: {
            color: {
              field: 'share',
              type: 'quantitative',
              title: '2xx %',
              scale: { domain: [0, 100], scheme: 'redyellowgreen' },
            },
          },
        },
        {
          mark: { type: 'text', fontSize: 13 },
          encoding: { text: { field: 'label' }, color: { value: 'black' } },
        },
      ],
    },
  }
}

const cell = (cells: readonly LbCell[], config: ConfigId, policy: ProxyPolicy) =>
  cells.find((c) => c.config === config && c.policy === policy)

export function lbVerdicts(r: LbResults): Verdict[] {
  const v: Verdict[] = []
  const memRr = cell(r.cells, 'stateful-memory', 'round-robin')
  const memSticky = cell(r.cells, 'stateful-memory', 'sticky')
  const sqlRr = cell(r.cells, 'stateful-sqlite', 'round-robin')
  const jwtRr = cell(r.cells, 'stateless-persisted', 'round-robin')
  const ephRr = cell(r.cells, 'stateless-ephemeral', 'round-robin')
  const ephSticky = cell(r.cells, 'stateless-ephemeral', 'sticky')
  if (memRr && memSticky && sqlRr) {
    const ok = memRr.ok2xxShare < 0.5 && memSticky.ok2xxShare > 0.99 && sqlRr.ok2xxShare > 0.99
    v.push({
      claim: 'C3 (sessions)',
      status: ok ? 'supported' : 'inconclusive',
      text:
        `Round-robin over per-instance memory stores served only ${fmtPct(memRr.ok2xxShare)} of /me requests (about 1/N), sticky routing ${fmtPct(memSticky.ok2xxShare)}, ` +
        `and round-robin over the shared SQLite store ${fmtPct(sqlRr.ok2xxShare)}: sessions need either stickiness or a central store — true.`,
    })
  }
  if (jwtRr && ephRr) {
    const ok = jwtRr.ok2xxShare > 0.99 && ephRr.ok2xxShare < 0.5
    v.push({
      claim: 'C3 (JWT)',
      status: ok ? 'mixed' : 'inconclusive',
      text:
        `JWTs with a shared signing key were served ${fmtPct(jwtRr.ok2xxShare)} under round-robin with no stickiness, but with per-instance keys only ${fmtPct(ephRr.ok2xxShare)}` +
        (ephSticky ? ` (${fmtPct(ephSticky.ok2xxShare)} sticky)` : '') +
        ': "JWT needs neither" holds only once every instance shares the key — which is shared state, just rarely changing.',
    })
  }
  const sticky = r.kills.filter((k) => k.victimUsers > 0)
  const roundRobin = r.kills.filter((k) => k.victimUsers === 0)
  const unauthorized = (k: LbKill) => k.series.buckets.reduce((n, b) => n + b.unauthorized, 0)
  if (sticky.length > 0) {
    const stickyLoss = sticky.map((k) => `${k.config} ${fmtPct(k.victimOkAfter)}`).join(', ')
    v.push({
      claim: 'C3 (failover)',
      text: `When a sticky instance died, the share of its users still logged in on the instance they were moved to was: ${stickyLoss}. Stickiness hides a per-instance store until an instance goes away.`,
    })
  }
  if (roundRobin.length > 0) {
    const kept = roundRobin
      .map((k) => `${k.config} ${fmtPct(k.othersOkAfter)} of users still logged in, ${unauthorized(k)} × 401`)
      .join('; ')
    const lostNone = roundRobin.every((k) => k.othersOkAfter >= 1 && unauthorized(k) === 0)
    v.push({
      claim: 'C3 (failover, central store)',
      status: lostNone ? 'supported' : 'refuted',
      text: `Round-robin over 3 instances on one Redis, one instance SIGKILLed mid-run: ${kept}. ${lostNone ? 'With the state in a central store, losing an instance logs nobody out.' : 'Some users were logged out when an instance died.'}`,
    })
  }
  const everywhere = r.replays.filter((x) => x.validOnB === 200)
  if (everywhere.length > 0) {
    const leaked = everywhere
      .filter((x) => x.replayOnB === 200)
      .map((x) => `${x.config}${x.revocation !== 'n/a' ? ` (${x.revocation})` : ''}`)
    v.push({
      claim: 'logout across instances',
      status: leaked.length === 0 ? 'supported' : 'mixed',
      text:
        leaked.length === 0
          ? 'A logout on one instance was refused on every other instance in every configuration where the credential worked on both.'
          : `A logout on instance A was still accepted on instance B for: ${leaked.join(', ')} — the access token lives until it expires there; every other configuration refused it at once.`,
    })
  }
  return v
}

export function buildLbResult(r: LbResults, sizes: LbSizes): ExperimentResult {
  return {
    id: 'lb',
    title: 'Load balancer: sticky sessions, central store, shared keys (C3)',
    claims: [...CLAIMS],
    method: [
      `Per configuration, ${sizes.instances} instances share one temp DB file (users; SQLite sessions; refresh tokens, deny-list and, with persisted keys, the key file next to it) `,
      "and sit behind a balancer on 127.0.0.1 (bench/src/lib/proxy.ts: Hono's `proxy` helper on @hono/node-server). ",
      `For each policy ${sizes.users} users log in **through the balancer**, then autocannon calls \`/me\` for ${sizes.loadSec} s with ${sizes.connections} connections, each a different user (thousands of responses per cell: the 2xx share it yields does not need longer; full runs before issue 14's time budget used 4 s). `,
      "**round-robin** sends request i to instance i mod N; **sticky** pins a client to the instance that served its first request with the balancer's own affinity cookie (as HAProxy `cookie insert` or AWS ALB do), ",
      'falling back to a hash of the session cookie / refresh cookie / Authorization header.',
      `\n\nUnder sticky routing, the instance holding most users is SIGKILLed ${sizes.killAtSec} s into a ${sizes.killLoadSec} s load; the balancer marks it down and redispatches its users to the next live instance; then every user is checked once more.`,
      `\n\nLogout replay: a user logs in on instance A, checks \`/me\` on B, logs out on A, and replays the old credential on B and on A (direct, no balancer), for each configuration and for the stateless REVOCATION modes (default denylist, plus ${sizes.revocationModes.join(', ')}).`,
    ].join(''),
    tables: [cellsTable(r.cells), killsTable(r.kills), replaysTable(r.replays)],
    charts: [matrixChart(r.cells)],
    verdicts: lbVerdicts(r),
    invalid: r.cells
      .filter((c) => c.responses === 0)
      .map((c) => ({ variant: `${c.config} ${c.policy}`, reason: 'no responses' })),
    notes: [
      "Instances and the balancer are not pinned to cores: N servers, the balancer and autocannon share this machine's cores.",
    ],
    raw: { sizes, ...r },
  }
}
