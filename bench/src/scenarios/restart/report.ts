/** The restart section of the report: the table, the availability chart and the C2 verdicts, from measured rows. */
import { type ConfigId, STATE_CONFIGS } from '../../lib/configs.js'
import type { Chart, Claim, ExperimentResult, Table, Verdict } from '../../report/schema.js'
import type { RestartRow, RestartSignal, RestartSizes } from './measure.js'
import { SIGNALS } from './measure.js'

export const CLAIMS: readonly Claim[] = [
  { id: 'C2', text: 'A server restart logs every session user out; JWT users are not affected.' },
]

const pct = (x: number | null) => (x === null ? null : Math.round(x * 1000) / 10)

/** The longest run of 100 ms buckets after the signal with no 2xx, in ms (the outage a user of the load saw). */
export function outageMs(row: RestartRow): number {
  let longest = 0
  let current = 0
  for (const b of row.series.buckets) {
    if (b.t + row.series.bucketMs <= row.series.signalAt) continue
    current = b.ok === 0 ? current + row.series.bucketMs : 0
    longest = Math.max(longest, current)
  }
  return longest
}

/** Share of 2xx in the buckets after the new process answered /health (did the load's users come back?). */
export function okShareAfterReady(row: RestartRow): number | null {
  let ok = 0
  let all = 0
  for (const b of row.series.buckets) {
    if (b.t < row.series.readyAt) continue
    ok += b.ok
    all += b.ok + b.unauthorized + b.otherNon2xx
  }
  return all > 0 ? ok / all : null
}

export function restartTable(rows: readonly RestartRow[]): Table {
  return {
    title: 'Users still logged in after a restart (same credential, same port)',
    columns: [
      'configuration',
      'signal',
      'users',
      '/me 200 before (%)',
      '/me 200 after (%)',
      '/me answers after',
      'refresh works after (%)',
      'signal → /health 200 (ms)',
      'old process gone after (ms)',
      'new process start-up (ms)',
      'old process exit',
      'load: longest gap without 2xx (ms)',
      'load after ready: 2xx (%)',
      'load: 2xx / 401 / conn. errors',
    ],
    rows: rows.map((r) => [
      r.config,
      r.signal,
      r.users,
      pct(r.okBefore),
      pct(r.okAfter),
      Object.entries(r.outcomes.after)
        .map(([k, n]) => `${k}×${n}`)
        .join(' '),
      pct(r.refreshAfter),
      r.downMs,
      Math.max(0, r.downMs - r.startMs),
      r.startMs,
      r.exit.signal ?? `code ${r.exit.code}`,
      r.load ? outageMs(r) : null,
      pct(okShareAfterReady(r)),
      r.load ? `${r.load.ok2xx} / ${r.load.unauthorized} / ${r.load.errors}` : 'restarted without load',
    ]),
    notes: [
      '"refresh works after" is the stateless app only: POST /auth/refresh with the refresh cookie from before the restart.',
      'Connection errors are counted per attempt by autocannon while the port is closed; they measure the gap, not users.',
      'The longest gap runs from the signal to the first 2xx after it: with the memory store or ephemeral keys no 2xx ever comes back, so the gap lasts to the end of the load.',
    ],
  }
}

export function availabilityChart(rows: readonly RestartRow[]): Chart {
  const values: Record<string, unknown>[] = []
  for (const r of rows) {
    if (!r.load) continue // restarted idle: no series to draw
    for (const b of r.series.buckets) {
      const t = b.t / 1000
      values.push({ config: r.config, signal: r.signal, t, outcome: '2xx', count: b.ok })
      values.push({ config: r.config, signal: r.signal, t, outcome: '401', count: b.unauthorized })
      values.push({ config: r.config, signal: r.signal, t, outcome: 'connection error', count: b.errors })
    }
    values.push({ config: r.config, signal: r.signal, t: r.series.signalAt / 1000, mark: 'signal sent' })
    values.push({ config: r.config, signal: r.signal, t: r.series.readyAt / 1000, mark: '/health 200' })
  }
  return {
    id: 'availability',
    title: 'Requests per 100 ms on /me across a restart',
    caption:
      'Each panel is one configuration and signal; the load keeps sending the credentials issued before the restart. ' +
      'Vertical rules: signal sent, new process healthy. The y axis is symmetric-log because connection errors arrive far faster than answers.',
    vegaLiteSpec: {
      $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
      data: { values },
      facet: {
        row: { field: 'config', type: 'nominal', title: null, sort: STATE_CONFIGS.map((c) => c.id) },
        column: { field: 'signal', type: 'nominal', title: null },
      },
      spec: {
        width: 260,
        height: 90,
        layer: [
          {
            transform: [{ filter: 'isValid(datum.outcome)' }],
            mark: { type: 'line', interpolate: 'step-after', strokeWidth: 1.5 },
            encoding: {
              x: { field: 't', type: 'quantitative', title: 'seconds since load start' },
              y: { field: 'count', type: 'quantitative', title: 'per 100 ms', scale: { type: 'symlog' } },
              color: {
                field: 'outcome',
                type: 'nominal',
                scale: {
                  domain: ['2xx', '401', 'connection error'],
                  range: ['#2a9d4b', '#d62728', '#999999'],
                },
                title: 'outcome',
              },
            },
          },
          {
            transform: [{ filter: 'isValid(datum.mark)' }],
            mark: { type: 'rule', strokeDash: [4, 3] },
            encoding: {
              x: { field: 't', type: 'quantitative' },
              color: { value: '#333' },
              tooltip: [{ field: 'mark' }, { field: 't', format: '.2f' }],
            },
          },
        ],
      },
      resolve: { scale: { y: 'independent' } },
    },
  }
}

const find = (rows: readonly RestartRow[], config: ConfigId, signal: RestartSignal) =>
  rows.find((r) => r.config === config && r.signal === signal)

/** Worst (lowest) share over both signals for one configuration, or null if it was not measured. */
function worst(
  rows: readonly RestartRow[],
  config: ConfigId,
  pick: (r: RestartRow) => number | null,
): number | null {
  const values = SIGNALS.map((s) => find(rows, config, s))
    .filter((r): r is RestartRow => r !== undefined)
    .map(pick)
    .filter((v): v is number => v !== null)
  return values.length > 0 ? Math.min(...values) : null
}

function best(
  rows: readonly RestartRow[],
  config: ConfigId,
  pick: (r: RestartRow) => number | null,
): number | null {
  const values = rows
    .filter((r) => r.config === config)
    .map(pick)
    .filter((v): v is number => v !== null)
  return values.length > 0 ? Math.max(...values) : null
}

const fmt = (x: number | null) => (x === null ? 'n/a' : `${Math.round(x * 1000) / 10} %`)

export function restartVerdicts(rows: readonly RestartRow[]): Verdict[] {
  const memKept = best(rows, 'stateful-memory', (r) => r.okAfter)
  const sqlKept = worst(rows, 'stateful-sqlite', (r) => r.okAfter)
  const perKept = worst(rows, 'stateless-persisted', (r) => r.okAfter)
  const ephAccess = best(rows, 'stateless-ephemeral', (r) => r.okAfter)
  const ephRefresh = worst(rows, 'stateless-ephemeral', (r) => r.refreshAfter)
  const verdicts: Verdict[] = []
  if (memKept !== null && sqlKept !== null) {
    const status = memKept <= 0.01 && sqlKept >= 0.99 ? 'mixed' : 'inconclusive'
    verdicts.push({
      claim: 'C2 (sessions)',
      status,
      text:
        `"A restart logs every session user out" holds only for sessions kept in process memory: at most ${fmt(memKept)} of users ` +
        `stayed logged in with the memory store, against at least ${fmt(sqlKept)} with the SQLite store, for a crash (SIGKILL) and a graceful stop (SIGTERM) alike. ` +
        'The claim is about where the session store lives, not about sessions.',
    })
  }
  if (perKept !== null || ephAccess !== null) {
    verdicts.push({
      claim: 'C2 (stateless)',
      status: perKept !== null && perKept >= 0.99 ? 'supported' : 'inconclusive',
      text:
        `JWTs survive a restart only if the signing key does: ${fmt(perKept)} of access tokens still worked with persisted keys (worst signal), ` +
        `at most ${fmt(ephAccess)} with JWT_KEYS=ephemeral` +
        (ephRefresh === null
          ? '.'
          : `, where ${fmt(ephRefresh)} of users could still get a new pair with their refresh token (stored in SQLite, not signed) — a silent re-login, not a logout.`),
    })
  }
  const down = rows.map((r) => r.downMs)
  if (down.length > 0) {
    verdicts.push({
      claim: 'downtime',
      text: `Every configuration was unreachable for ${Math.min(...down)}–${Math.max(...down)} ms from the signal to the first /health 200 (mostly Node starting the server's bundle and opening its store); that gap is the same for sessions and JWTs.`,
    })
  }
  return verdicts
}

export function buildRestartResult(rows: readonly RestartRow[], sizes: RestartSizes): ExperimentResult {
  return {
    id: 'restart',
    title: 'Restart: who stays logged in (C2)',
    claims: [...CLAIMS],
    method: [
      `For each configuration one server (own temp DB) is started and ${sizes.users} users log in; every one must get 200 on \`/me\`. `,
      `Then an autocannon load (${sizes.connections} connections, each a different user's credential) calls \`/me\` and records a per-100 ms time series; `,
      `${sizes.leadSec} s in, the server is stopped by **SIGKILL** (a crash) or **SIGTERM** (graceful close) and started again on the same port with the same env and DB; `,
      `the load goes on until ${sizes.tailSec} s after the new process answers \`/health\`. `,
      sizes.loadedSignals.length < SIGNALS.length
        ? `(This quick run restarts under load only for ${sizes.loadedSignals.join(', ')}; the other signal is restarted idle.) `
        : '',
      'After it answers `/health`, every user is checked again on `/me` with the credential from before, and (stateless) with their refresh token on `/auth/refresh`.',
      '\n\nConfigurations:\n\n',
      STATE_CONFIGS.map(
        (c) =>
          `- \`${c.id}\`: ${c.state} (${Object.entries(c.env)
            .map(([k, v]) => `${k}=${v}`)
            .join(' ')})`,
      ).join('\n'),
      '\n\nLogins use cheap argon2 (ARGON2_MEMORY_KIB=256, ARGON2_TIME_COST=1); it does not affect what is measured.',
    ].join(''),
    tables: [restartTable(rows)],
    charts: [availabilityChart(rows)],
    verdicts: restartVerdicts(rows),
    invalid: rows
      .filter((r) => r.okBefore < 1)
      .map((r) => ({
        variant: `${r.config} ${r.signal}`,
        reason: `only ${fmt(r.okBefore)} of users got 200 on /me before the restart`,
      })),
    notes: [
      'Servers and the load generator are not pinned to cores in this experiment (whatever the run context says): it measures who stays logged in and how long a restart takes, not CPU per request.',
      'The restart time includes Node loading the server from a single esbuild bundle of its sources (as a compiled build would; the tsx loader took ~3× the start-up CPU), opening the DB and, for the stateless app, its keys.',
      'A stateful app with the SQLite store, or a stateless app with persisted keys, reads its state from disk at start: nothing to warm up.',
    ],
    raw: { sizes, rows },
  }
}
