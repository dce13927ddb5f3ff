/**
 * Load-balancer experiment (claim C3: "behind a load balancer you need sticky sessions or a central store; JWT needs
 * neither"), the measuring half; report.ts turns the numbers into a report section.
 *
 * Per configuration, N instances share one DB file (users, and for `stateful-sqlite` the sessions; for stateless the
 * refresh tokens, deny-list and — with persisted keys — the key file), behind lib/proxy.ts on loopback:
 * 1. for each policy (round-robin, sticky): U users log in THROUGH the proxy, then an autocannon load on /me (each
 *    connection a different user) measures the share of 2xx, throughput and the spread over instances;
 * 2. under the sticky policy one instance is SIGKILLed mid-run: its users are redispatched by the proxy, and we count
 *    how many of them are still authenticated on the instance they land on;
 * 3. logout through instance A, replay the old credential on instance B (directly, no proxy), for every
 *    configuration and, for the stateless app, every REVOCATION mode.
 */
import { rmSync } from 'node:fs'
import { dirname } from 'node:path'
import type { Credential, Outcome } from '../../lib/client.js'
import { authHeaders, login, logout, mapLimit, meStatus } from '../../lib/client.js'
import type { AppConfig, AppKind, ConfigId } from '../../lib/configs.js'
import { CONFIGS, pickApp } from '../../lib/configs.js'
import type { LoadGenerator } from '../../lib/load.js'
import type { TimeBucket } from '../../lib/load-types.js'
import type { ServerHandle } from '../../lib/processes.js'
import { removeTempDb, startServer, tempDbPath } from '../../lib/processes.js'
import type { ProxyPolicy } from '../../lib/proxy.js'
import { AFFINITY_COOKIE, startProxy } from '../../lib/proxy.js'
import type { BenchRedis } from '../../lib/redis.js'
import { needsRedis, redisEnv, startBenchRedis } from '../../lib/redis.js'
import { startMany } from '../../lib/start-many.js'
import { share } from '../../lib/stats.js'
import { seedUsers } from '../../lib/users.js'
import type { RunOptions } from '../../report/schema.js'

export interface LbMeasureOptions {
  configs: readonly AppConfig[]
  policies: readonly ProxyPolicy[]
  /** Instances per configuration (default 3). */
  instances: number
  /** Users logged in through the proxy per policy (≥ connections, so every connection is a different user). */
  users: number
  connections: number
  /** Seconds of load per configuration × policy. */
  loadSec: number
  /** Seconds of the load during which one instance is killed (sticky policy), and when in it the kill happens. */
  killLoadSec: number
  killAtSec: number
  /** Extra REVOCATION modes for the logout-on-A / replay-on-B case (stateless, persisted keys; default ones run above). */
  revocationModes: readonly ('none' | 'denylist' | 'version')[]
  progress?: (line: string) => void
}

export const POLICIES: readonly ProxyPolicy[] = ['round-robin', 'sticky']

/**
 * Issue 12: "3 instances + Redis" rows — every instance on one bench-owned redis-server, round-robin only (no
 * stickiness: the point of a central store), with one instance killed mid-run under round-robin.
 */
export const REDIS_LB_CONFIGS: readonly AppConfig[] = (
  ['stateful-redis', 'stateless-hs256-denylist-redis'] as const
).map((id) => pickApp(id))
const REDIS_POLICIES: readonly ProxyPolicy[] = ['round-robin']

export type LbSizes = Omit<LbMeasureOptions, 'configs' | 'progress'>

export function lbSizes(options: Pick<RunOptions, 'quick' | 'connections' | 'durationSec'>): LbSizes {
  const base = options.quick
    ? { instances: 3, users: 24, connections: 12, loadSec: 0.7, killLoadSec: 1, killAtSec: 0.4 }
    : // 1 s of load per cell (was 4, 2, then 1.5): the 2xx share is read over ~700–1,400 responses (±2 %), and the
      // round-robin failures it shows are structural (1 in N instances holds the session); the kill lands 0.8 s
      // into 2 s of load, so the series shows most of a second before it and 1.2 s after.
      { instances: 3, users: 60, connections: 30, loadSec: 1, killLoadSec: 2, killAtSec: 0.8 }
  const connections = Math.min(options.connections ?? base.connections, base.users)
  return {
    ...base,
    connections,
    loadSec: options.durationSec ?? base.loadSec,
    policies: POLICIES,
    revocationModes: ['none', 'version'],
  }
}

/** Cost for the runner's estimate: per configuration a start, each policy's load, the kill; then the extra pairs. */
/**
 * Per configuration: its instances start (~2.5 s, 3 at once on 2 cores, from the bundle), each policy's logins
 * through the balancer and its load, the kill under load and the re-check; then the revocation-mode pairs.
 * Redis configurations run round-robin only.
 */
export function lbEstimateSec(s: LbSizes, plainConfigs: number, redisConfigs: number): number {
  const cell = s.loadSec + 0.5 + s.users / 60
  const kill = s.killLoadSec + 0.5
  // × 0.55: measured 31–33 s full and 23–24 s quick against 58 / 43 s from the formula alone (runs L5, M2, Q10,
  // Q12); the quick run balances its two lanes on these estimates.
  return (
    0.55 *
    (plainConfigs * (2.5 + s.policies.length * cell + kill) +
      redisConfigs * (2.5 + REDIS_POLICIES.length * cell + kill) +
      s.revocationModes.length * 1.5)
  )
}

export interface LbCell {
  config: ConfigId
  policy: ProxyPolicy
  users: number
  /** Share of /me responses under load that were 2xx. */
  ok2xxShare: number
  rps2xx: number
  rpsAll: number
  responses: number
  /** Responses per instance id, from the proxy's counters. */
  spread: Record<string, number>
  statusCounts: Record<string, number>
  errors: number
}

export interface LbKill {
  config: ConfigId
  victim: string
  /** Users pinned (affinity cookie) to the killed instance. */
  victimUsers: number
  /** Of those, the share still answered 200 on /me after the kill (redispatched to another instance). */
  victimOkAfter: number
  /** Users pinned elsewhere, share answered 200 after the kill (should stay 1). */
  othersOkAfter: number
  /** The load across the kill, per 100 ms, and when the kill happened on that clock. */
  series: { bucketMs: number; buckets: TimeBucket[]; killAt: number }
  badGateway: number
}

export interface LbReplay {
  config: ConfigId
  revocation: string
  /** /me on B before the logout: does the credential work on another instance at all? */
  validOnB: Outcome
  /** /me on B with the old credential after logging out on A. */
  replayOnB: Outcome
  /** Same replay on A itself, for comparison. */
  replayOnA: Outcome
  /** The replay on every instance besides A and B (the Redis rows: "refused on every other instance"). */
  replayOnRest?: Outcome[]
}

export interface LbResults {
  cells: LbCell[]
  kills: LbKill[]
  replays: LbReplay[]
}

/** Several instances start at once here, on a machine that may be busy: allow more than the 30 s default. */
const HEALTH_TIMEOUT_MS = 60_000

const upstreamIds = (n: number) => Array.from({ length: n }, (_, i) => `i${i}`)

/**
 * Starts N instances on one DB file. With persisted stateless keys the first starts alone, so the key file is created
 * once (instances racing to create it would each sign with their own key); otherwise all start at once.
 */
async function startInstances(
  kind: AppKind,
  env: Record<string, string>,
  dbPath: string,
  n: number,
  prefix: string,
) {
  const ids = upstreamIds(n)
  const start = (id: string) => () =>
    startServer({ kind, env, dbPath, label: `${prefix}-${id}`, healthTimeoutMs: HEALTH_TIMEOUT_MS })
  if (kind === 'stateful' || env.JWT_KEYS === 'ephemeral') return startMany(ids.map(start))
  const first = await start(ids[0] as string)()
  try {
    const rest = await startMany(ids.slice(1).map(start))
    return [first, ...rest]
  } catch (err) {
    await first.stop('SIGKILL')
    throw err
  }
}

async function logoutReplay(
  kind: AppKind,
  a: ServerHandle,
  b: ServerHandle,
  username: string,
  rest: readonly ServerHandle[] = [],
): Promise<Omit<LbReplay, 'config' | 'revocation'>> {
  const cred = await login(a.url, kind, username)
  const validOnB = await meStatus(b.url, cred)
  await logout(a.url, cred)
  const replayOnB = await meStatus(b.url, cred)
  const replayOnA = await meStatus(a.url, cred)
  if (rest.length === 0) return { validOnB, replayOnB, replayOnA }
  return {
    validOnB,
    replayOnB,
    replayOnA,
    replayOnRest: await Promise.all(rest.map((s) => meStatus(s.url, cred))),
  }
}

/** One configuration's instances, started (and seeded) ahead of being measured. */
interface Prepared {
  cfg: AppConfig
  dbPath: string
  usernames: string[]
  instances: ServerHandle[]
  /** The row's own redis-server (Redis configurations only). */
  redis?: BenchRedis
}

async function prepare(cfg: AppConfig, opts: LbMeasureOptions): Promise<Prepared> {
  const dbPath = tempDbPath('auth-lab-lb-')
  let redis: BenchRedis | undefined
  try {
    const usernames = await seedUsers(dbPath, { count: opts.users * opts.policies.length + 4, prefix: 'lb-' })
    redis = needsRedis(cfg.env) ? await startBenchRedis() : undefined
    // Every instance of the row shares the one Redis and one prefix: that is the central store.
    const env = redis ? { ...cfg.env, ...redisEnv(redis.url, `bench-lb-${cfg.id}`) } : cfg.env
    const instances = await startInstances(cfg.kind, env, dbPath, opts.instances, cfg.id)
    return { cfg, dbPath, usernames, instances, redis }
  } catch (err) {
    await redis?.stop()
    rmSync(dirname(dbPath), { recursive: true, force: true })
    throw err
  }
}

async function dispose(p: Prepared): Promise<void> {
  await Promise.all(p.instances.map((s) => s.stop('SIGKILL')))
  await p.redis?.stop()
  rmSync(dirname(p.dbPath), { recursive: true, force: true })
}

async function measureConfig(
  { cfg, usernames, instances, redis }: Prepared,
  opts: LbMeasureOptions,
  gen: LoadGenerator,
  out: LbResults,
): Promise<void> {
  const upstreams = instances.map((s, i) => ({ id: upstreamIds(opts.instances)[i] as string, url: s.url }))

  // Logout on A, replay on B — before anything is killed.
  const [a, b] = instances
  if (a && b) {
    const r = await logoutReplay(cfg.kind, a, b, usernames.at(-1) as string, redis ? instances.slice(2) : [])
    // The stateless configurations run with the app's default REVOCATION (denylist); the other modes follow below.
    out.replays.push({
      config: cfg.id,
      revocation: cfg.kind === 'stateless' ? (cfg.env.REVOCATION ?? 'denylist') : 'n/a',
      ...r,
    })
  }

  const policies = redis ? REDIS_POLICIES : opts.policies
  for (const [p, policy] of policies.entries()) {
    const proxy = await startProxy({ upstreams, policy })
    try {
      const mine = usernames.slice(p * opts.users, (p + 1) * opts.users)
      opts.progress?.(
        `lb: ${cfg.id}, ${policy}: ${mine.length} logins through the proxy, ${opts.loadSec}s of load`,
      )
      const creds = await mapLimit(mine, 8, (u) => login(proxy.url, cfg.kind, u))
      proxy.resetCounts()
      const load = await gen.run({
        url: `${proxy.url}/me`,
        connections: opts.connections,
        durationSec: opts.loadSec,
        credentials: creds.map((c) => authHeaders(c)),
        timeoutSec: 5,
      })
      const spread = Object.fromEntries(Object.entries(proxy.counts()).map(([id, c]) => [id, c.responses]))
      out.cells.push({
        config: cfg.id,
        policy,
        users: creds.length,
        ok2xxShare: share(load.ok2xx, load.responses),
        rps2xx: load.rps2xx,
        rpsAll: load.durationSec > 0 ? load.responses / load.durationSec : 0,
        responses: load.responses,
        spread,
        statusCounts: load.statusCounts,
        errors: load.errors,
      })
      // Redis rows: the kill runs under round-robin (there is no sticky run).
      if (policy === 'sticky' || redis) out.kills.push(await killOne(cfg, opts, gen, proxy, instances, creds))
    } finally {
      await proxy.close()
    }
  }
}

/** Kills the instance holding the most sticky users while a load runs, then checks every user once more. */
async function killOne(
  cfg: AppConfig,
  opts: LbMeasureOptions,
  gen: LoadGenerator,
  proxy: Awaited<ReturnType<typeof startProxy>>,
  instances: ServerHandle[],
  creds: Credential[],
): Promise<LbKill> {
  const home = (c: Credential) => c.affinity?.slice(AFFINITY_COOKIE.length + 1) ?? ''
  const byHome = new Map<string, number>()
  for (const c of creds) byHome.set(home(c), (byHome.get(home(c)) ?? 0) + 1)
  // Round-robin (no affinity cookie): nobody has a home instance; i0 is killed and every user counts as "other".
  const victim = creds.some((c) => c.affinity)
    ? ([...byHome].sort((x, y) => y[1] - x[1])[0]?.[0] ?? 'i0')
    : 'i0'
  const victimIndex = Number(victim.slice(1))
  opts.progress?.(
    `lb: ${cfg.id}, ${creds.some((c) => c.affinity) ? 'sticky' : 'round-robin'}: SIGKILL ${victim} (${byHome.get(victim) ?? 0} pinned users) during ${opts.killLoadSec}s of load`,
  )
  proxy.resetCounts()
  const loadDone = gen.run({
    url: `${proxy.url}/me`,
    connections: opts.connections,
    durationSec: opts.killLoadSec,
    credentials: creds.map((c) => authHeaders(c)),
    timeSeries: true,
    bucketMs: 100,
    timeoutSec: 5,
  })
  await new Promise((r) => setTimeout(r, opts.killAtSec * 1000))
  const killAt = Date.now()
  await instances[victimIndex]?.kill()
  const load = await loadDone
  const victims = creds.filter((c) => home(c) === victim)
  const others = creds.filter((c) => home(c) !== victim)
  const ok = async (list: Credential[]) =>
    share(
      (await mapLimit(list, 16, (c) => meStatus(proxy.url, c))).filter((o) => o === 200).length,
      list.length,
    )
  return {
    config: cfg.id,
    victim,
    victimUsers: victims.length,
    victimOkAfter: await ok(victims),
    othersOkAfter: await ok(others),
    series: {
      bucketMs: 100,
      buckets: load.timeSeries?.buckets ?? [],
      killAt: killAt - (load.timeSeries?.startedAt ?? killAt),
    },
    badGateway: proxy.badGateway(),
  }
}

/** Logout-on-A / replay-on-B for the stateless app under one extra REVOCATION mode (two fresh instances). */
async function revocationModePair(
  mode: LbMeasureOptions['revocationModes'][number],
  opts: LbMeasureOptions,
): Promise<LbReplay> {
  const dbPath = tempDbPath('auth-lab-lb-rev-')
  // Seeded before the try below: a failed seed removes the directory itself.
  const [username] = await seedUsers(dbPath, { count: 1, prefix: 'lb-rev-' }).catch((err: unknown) => {
    removeTempDb(dbPath)
    throw err
  })
  let pair: ServerHandle[] = []
  try {
    opts.progress?.(`lb: logout on A, replay on B, stateless REVOCATION=${mode}`)
    pair = await startInstances(
      'stateless',
      { ...CONFIGS['stateless-persisted'].env, REVOCATION: mode },
      dbPath,
      2,
      `rev-${mode}`,
    )
    const r = await logoutReplay(
      'stateless',
      pair[0] as ServerHandle,
      pair[1] as ServerHandle,
      username as string,
    )
    return { config: 'stateless-persisted', revocation: mode, ...r }
  } finally {
    await Promise.all(pair.map((s) => s.stop('SIGKILL')))
    rmSync(dirname(dbPath), { recursive: true, force: true })
  }
}

/**
 * Runs every configuration in turn, one set of instances at a time: starting the next set while measuring would
 * take CPU from the load and make the req/s columns incomparable between rows.
 */
export async function measureLoadBalancer(opts: LbMeasureOptions, gen: LoadGenerator): Promise<LbResults> {
  const out: LbResults = { cells: [], kills: [], replays: [] }
  for (const cfg of opts.configs) {
    opts.progress?.(
      `lb: ${cfg.id}: starting ${opts.instances} instances on one DB file${needsRedis(cfg.env) ? ' and one Redis' : ''}`,
    )
    const prepared = await prepare(cfg, opts)
    try {
      await measureConfig(prepared, opts, gen, out)
    } finally {
      await dispose(prepared)
    }
  }
  out.replays.push(...(await Promise.all(opts.revocationModes.map((mode) => revocationModePair(mode, opts)))))
  return out
}
