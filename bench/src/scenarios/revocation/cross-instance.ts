/**
 * Cross-instance revocation on Redis (issue 12 item 4): two instances A and B of the stateful app on one Redis
 * (bench-owned redis-server) and one users DB, with and without the RESP3 client-side cache. Per trial: log in on
 * A, read /me on B (B now holds the session in its client cache, when it has one), log out on A, then GET /me on B
 * back to back until B refuses. The delay is from the moment A's logout answered to the send time of the first
 * request B refused: 0 ms means "refused on the very next request". Without the cache B reads Redis every time,
 * so the next request must be refused; with it, B is only as fresh as Redis' invalidation push.
 */
import { rmSync } from 'node:fs'
import { dirname } from 'node:path'
import type { Credential, Outcome } from '../../lib/client.js'
import { login, logout, meStatus } from '../../lib/client.js'
import type { ConfigId } from '../../lib/configs.js'
import { pickApp } from '../../lib/configs.js'
import type { ServerHandle } from '../../lib/processes.js'
import { startServer, tempDbPath } from '../../lib/processes.js'
import { percentile } from '../../lib/quantile.js'
import type { BenchRedis } from '../../lib/redis.js'
import { redisEnv, startBenchRedis } from '../../lib/redis.js'
import { startMany } from '../../lib/start-many.js'
import { seedUsers } from '../../lib/users.js'
import type { Chart, Table } from '../../report/schema.js'

export const PROPAGATION_CONFIGS: readonly ConfigId[] = [
  'stateful-redis',
  'stateful-redis-cached',
  'stateless-hs256-denylist-redis',
  'stateless-hs256-denylist-redis-cached',
]

export interface PropagationOptions {
  trials: number
  /** Give up on a trial after this long without a refusal (counted as never refused). */
  boundMs: number
  configs?: readonly ConfigId[]
  progress?: (line: string) => void
}

export interface PropagationRun {
  config: ConfigId
  trials: number
  /** Per trial: ms from A's logout answer to the send time of B's first refusal (null: never refused in bound). */
  delaysMs: (number | null)[]
  /** Trials where B refused the very first request after the logout. */
  refusedNext: number
  /** Requests B still accepted after the logout, over all trials. */
  acceptedAfter: number
  /** Status of B's refusals (401 expected), counted. */
  refusals: Record<string, number>
}

export const propagationSizes = (quick: boolean) => ({ trials: quick ? 40 : 200, boundMs: 2000 })

/** Rough seconds: start 2 instances per configuration, and a few requests per trial. */
export const propagationEstimateSec = (trials: number, configs = PROPAGATION_CONFIGS.length) =>
  configs * (1 + trials * 0.008)

async function trial(
  a: ServerHandle,
  b: ServerHandle,
  kind: 'stateful' | 'stateless',
  username: string,
  boundMs: number,
) {
  const cred: Credential = await login(a.url, kind, username)
  const before = await meStatus(b.url, cred)
  if (before !== 200) throw new Error(`cross-instance: /me on B answered ${before} before the logout`)
  const out = await logout(a.url, cred)
  if (out.outcome !== 204 && out.outcome !== 200)
    throw new Error(`cross-instance: logout answered ${out.outcome}`)
  const t0 = performance.now()
  let accepted = 0
  let first = true
  for (;;) {
    const sent = performance.now()
    const status: Outcome = await meStatus(b.url, cred)
    if (status !== 200) return { delayMs: sent - t0, next: first, accepted, status: String(status) }
    accepted++
    first = false
    if (performance.now() - t0 > boundMs) return { delayMs: null, next: false, accepted, status: 'none' }
  }
}

async function measureConfig(
  id: ConfigId,
  redis: BenchRedis,
  opts: PropagationOptions,
): Promise<PropagationRun> {
  const cfg = pickApp(id)
  const dbPath = tempDbPath('auth-lab-xinst-')
  let pair: ServerHandle[] = []
  try {
    // A handful of users, cycled: a user's sessions end at each logout, so none accumulates.
    const users = await seedUsers(dbPath, { count: 8, prefix: 'xi-' })
    const env = { ...cfg.env, ...redisEnv(redis.url, `bench-xinst-${id}`) }
    opts.progress?.(`revocation: ${id}: starting instances A and B on one Redis`)
    pair = await startMany(
      ['A', 'B'].map(
        (n) => () =>
          startServer({ kind: cfg.kind, env, dbPath, label: `${id}-${n}`, healthTimeoutMs: 60_000 }),
      ),
    )
    const [a, b] = pair as [ServerHandle, ServerHandle]
    const run: PropagationRun = {
      config: id,
      trials: 0,
      delaysMs: [],
      refusedNext: 0,
      acceptedAfter: 0,
      refusals: {},
    }
    opts.progress?.(`revocation: ${id}: ${opts.trials} logouts on A, each polled on B`)
    for (let i = 0; i < opts.trials; i++) {
      const r = await trial(a, b, cfg.kind, users[i % users.length] as string, opts.boundMs)
      run.trials++
      run.delaysMs.push(r.delayMs === null ? null : Math.round(r.delayMs * 1000) / 1000)
      if (r.next) run.refusedNext++
      run.acceptedAfter += r.accepted
      run.refusals[r.status] = (run.refusals[r.status] ?? 0) + 1
    }
    return run
  } finally {
    await Promise.all(pair.map((s) => s.stop('SIGKILL')))
    rmSync(dirname(dbPath), { recursive: true, force: true })
  }
}

/** One bench-owned redis-server for the pairs (each under its own prefix), stopped whatever happens. */
export async function measureCrossInstance(opts: PropagationOptions): Promise<PropagationRun[]> {
  const redis = await startBenchRedis()
  try {
    const out: PropagationRun[] = []
    for (const id of opts.configs ?? PROPAGATION_CONFIGS) out.push(await measureConfig(id, redis, opts))
    return out
  } finally {
    await redis.stop()
  }
}

const sortedDelays = (r: PropagationRun) =>
  r.delaysMs.filter((d): d is number => d !== null).sort((x, y) => x - y)

export function propagationTable(runs: readonly PropagationRun[]): Table {
  return {
    title: 'Cross-instance revocation on Redis: logout on A, ms until B refuses the old session',
    columns: [
      'configuration',
      'trials',
      'refused on the next request',
      'p50 ms',
      'p99 ms',
      'max ms',
      'never refused (bound)',
      'accepted after logout',
      'refusal statuses',
    ],
    rows: runs.map((r) => {
      const d = sortedDelays(r)
      return [
        r.config,
        r.trials,
        `${r.refusedNext} / ${r.trials}`,
        percentile(d, 50),
        percentile(d, 99),
        d.length > 0 ? Math.round((d.at(-1) as number) * 10) / 10 : null,
        r.delaysMs.length - d.length,
        r.acceptedAfter,
        Object.entries(r.refusals)
          .map(([k, v]) => `${k}×${v}`)
          .join(', '),
      ]
    }),
    notes: [
      'Delay = send time of the first request B refused − the moment the logout on A answered; back-to-back requests, so its resolution is one /me round trip on B. 0 = the very next request was refused.',
      'Without the client cache B reads the session from Redis on every request; with REDIS_CLIENT_CACHE=1 it serves it from process memory until Redis pushes the invalidation that the logout caused.',
    ],
  }
}

export function propagationChart(runs: readonly PropagationRun[]): Chart {
  const values = runs.flatMap((r) => sortedDelays(r).map((ms) => ({ config: r.config, ms })))
  return {
    id: 'cross-instance',
    title: 'Logout on A → refused on B: distribution of the delay (ms)',
    caption: 'Cumulative share of trials refused by B within x ms of the logout on A answering.',
    vegaLiteSpec: {
      $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
      data: { values },
      width: 520,
      height: 220,
      transform: [
        { window: [{ op: 'cume_dist', as: 'share' }], sort: [{ field: 'ms' }], groupby: ['config'] },
      ],
      mark: { type: 'line', interpolate: 'step-after', point: true },
      encoding: {
        x: { field: 'ms', type: 'quantitative', title: 'ms after the logout answered' },
        y: { field: 'share', type: 'quantitative', title: 'share of trials refused', axis: { format: '%' } },
        color: { field: 'config', type: 'nominal', title: 'configuration' },
        tooltip: [{ field: 'config' }, { field: 'ms', format: '.2f' }, { field: 'share', format: '.1%' }],
      },
    },
  }
}
