/**
 * A capacity model to internet scale, on paper but from this run's measurements: for a target load and user count,
 * the cores each mechanism needs, the store operations per second it sends to SQLite or Redis, the memory its
 * stored state takes, and where each design hits a wall. Every input that is not measured here is an assumption
 * listed in ASSUMPTIONS with its value and, where one exists, its published source. Pure arithmetic, unit-tested.
 */
import { memoryFigures, type OverheadFigures, overheadFigures, stormFigures } from './figures.js'
import type { ResultsFile, Table } from './schema.js'

export interface Assumption {
  key: string
  value: number
  unit: string
  what: string
  source: string
}

/** Everything the model assumes; a reader can change a value and rerun `pnpm bench:report`. */
export const ASSUMPTIONS = {
  utilisation: {
    key: 'utilisation',
    value: 0.7,
    unit: 'of a core',
    what: 'cores are sized to run at 70 % busy, leaving headroom for bursts and GC',
    source: 'assumption (common capacity-planning headroom)',
  },
  reqPerActiveUser: {
    key: 'reqPerActiveUser',
    value: 0.1,
    unit: 'req/s',
    what: 'an active user sends one authenticated request every 10 s, so active users = req/s ÷ 0.1',
    source: 'assumption',
  },
  touchIntervalSec: {
    key: 'touchIntervalSec',
    value: 60,
    unit: 's',
    what: 'a session’s sliding expiry is written at most once per SESSION_TOUCH_INTERVAL per active session',
    source: 'apps/stateful/src/config.ts default',
  },
  accessTtlSec: {
    key: 'accessTtlSec',
    value: 900,
    unit: 's',
    what: 'ACCESS_TTL: each active JWT user refreshes once per access-token lifetime',
    source: 'apps/stateless/src/config.ts default',
  },
  writesPerRefresh: {
    key: 'writesPerRefresh',
    value: 2,
    unit: 'writes',
    what: 'a refresh rotation marks the old refresh token used and inserts the new one',
    source: 'apps/stateless/src/tokens/refresh-token.ts',
  },
  sessionLengthSec: {
    key: 'sessionLengthSec',
    value: 43_200,
    unit: 's',
    what: 'SESSION_ABSOLUTE_TTL: a session lives at most 12 h',
    source: 'apps/stateful/src/config.ts default',
  },
  refreshTtlSec: {
    key: 'refreshTtlSec',
    value: 1_209_600,
    unit: 's',
    what: "REFRESH_TTL: each refresh token's idle lifetime; a device that stops refreshing is out after 14 days (an active one stays up to REFRESH_ABSOLUTE_TTL, 30 days)",
    source: 'apps/stateless/src/config.ts default',
  },
  loginsPerUserPerDay: {
    key: 'loginsPerUserPerDay',
    value: 1,
    unit: '/day',
    what: 'each user logs in once a day (a new session, or a new refresh family)',
    source: 'assumption',
  },
  storeRowBytes: {
    key: 'storeRowBytes',
    value: 300,
    unit: 'B',
    what: 'one session row or refresh-token row in SQLite or Redis, with its index or key overhead (not measured by this run)',
    source: 'assumption: check with `MEMORY USAGE <key>` (Redis) or dbstat (SQLite) on your data',
  },
  redisOpsPerShard: {
    key: 'redisOpsPerShard',
    value: 80_000,
    unit: 'ops/s',
    what: 'one Redis shard (one main thread) serving simple GET/SET without pipelining',
    source:
      'Redis documentation, “How fast is Redis?”: about 110,000 SET/s and 81,000 GET/s on one Xeon X3320 over loopback, 50 clients (raw.githubusercontent.com/antirez/redis/2.2.14/doc/Benchmarks.html; the current page, redis.io/topics/benchmarks, documents the same redis-benchmark method). redis.conf (6.0+, “THREADED I/O”) says I/O threads can about double this, and that users otherwise pipeline or run more instances.',
  },
  sqliteWriteUs: {
    key: 'sqliteWriteUs',
    value: 50,
    unit: 'µs',
    what: 'one small write transaction in WAL mode with synchronous=NORMAL (not measured by this run)',
    source:
      'assumption; the wall itself is documented: WAL mode “supports one writer and many readers at the same time” (sqlite.org/pragma.html#pragma_journal_mode)',
  },
  hostCores: {
    key: 'hostCores',
    value: 64,
    unit: 'cores',
    what: 'the largest single host: a SQLite file is shared only by processes on one host',
    source:
      'assumption (a large cloud VM); the one-host rule is documented: “all processes using a database must be on the same host computer; WAL does not work over a network filesystem” (sqlite.org/wal.html)',
  },
  stormWindowSec: {
    key: 'stormWindowSec',
    value: 10,
    unit: 's',
    what: 'without expiry jitter, the window in which tokens issued at once (deploy, restart with per-boot keys) come back',
    source: 'assumption, used only when the run has no storm experiment (measuredAssumptions replaces it)',
  },
  jitterFraction: {
    key: 'jitterFraction',
    value: 0.1,
    unit: 'of ACCESS_TTL',
    what: 'expiry jitter spreads the same refreshes over 10 % of the access-token lifetime',
    source: 'assumption',
  },
} satisfies Record<string, Assumption>

export type Assumptions = { [K in keyof typeof ASSUMPTIONS]: number }
export const DEFAULT_ASSUMPTIONS: Assumptions = Object.fromEntries(
  Object.entries(ASSUMPTIONS).map(([k, a]) => [k, a.value]),
) as Assumptions

/** An assumption this run measured instead: its value and where it came from (shown in the assumptions table). */
export interface MeasuredAssumption {
  key: keyof Assumptions
  value: number
  source: string
}

/**
 * The assumptions this run's experiments measure. The storm window: in the storm experiment's wave 2 without jitter,
 * N tokens issued at once came back at a peak of P refreshes/s; N ÷ P is the window a flat wave with the same peak
 * would have, which is exactly what `stormPeak` divides by.
 */
export function measuredAssumptions(results: ResultsFile): MeasuredAssumption[] {
  const storm = stormFigures(results)
  if (!storm) return []
  return [
    {
      key: 'stormWindowSec',
      value: storm.windowSec,
      source: `measured by this run's storm experiment: ${fmt(storm.clients)} tokens issued at once came back at up to ${fmt(storm.peakPerSec)} refreshes/s (wave 2, no jitter); ${fmt(storm.clients)} ÷ ${fmt(storm.peakPerSec)}/s`,
    },
  ]
}

/** `a` with every assumption this run measured replaced by its measured value. */
export function withMeasured(a: Assumptions, measured: readonly MeasuredAssumption[]): Assumptions {
  const out = { ...a }
  for (const m of measured) out[m.key] = m.value
  return out
}

export const TARGET_RPS = [10_000, 100_000, 1_000_000] as const
export const TARGET_USERS = [1_000_000, 100_000_000] as const

/** A mechanism as the model sees it: measured per-request CPU and store reads, and how it writes. */
export interface Mechanism {
  id: string
  label: string
  store: 'sqlite' | 'memory' | 'none'
  /** Server CPU µs per authenticated request (whole request) and the part auth adds over /public. */
  cpuUs: number
  cpuAddedUs: number
  /** Where the auth share comes from: the in-process layer (verdicts) or, in files without it, the HTTP layer. */
  authSource?: 'in-process' | 'http'
  readsPerReq: number
  writes: 'touch' | 'refresh'
}

const MECHANISMS: readonly {
  variant: string
  label: string
  store: Mechanism['store']
  writes: Mechanism['writes']
}[] = [
  // Redis is not a row: its per-request cost is a network round trip the in-process figure counts as wall time
  // (C1/C4 quote it); its store operations are the same as the SQLite row's.
  { variant: 'stateful-sqlite', label: 'session, SQLite store', store: 'sqlite', writes: 'touch' },
  { variant: 'stateful-memory', label: 'session, in-process Map', store: 'memory', writes: 'touch' },
  { variant: 'stateless-hs256-none', label: 'JWT HS256, no check', store: 'none', writes: 'refresh' },
  { variant: 'stateless-es256', label: 'JWT ES256, no check', store: 'none', writes: 'refresh' },
  { variant: 'stateless-hs256-denylist', label: 'JWT HS256 + deny-list', store: 'sqlite', writes: 'refresh' },
]

/**
 * Per mechanism: the auth share from the in-process layer when the run has it (the figure the verdicts are decided
 * on: 5 interleaved rounds against /public of the same worker), the rest of the request (node:http, the kernel,
 * Hono) from the HTTP layer's /public. Until session 11 both came from the HTTP layer's 2 rounds, which decides
 * nothing: the sample gave the in-process Map 133 µs (rounds of 74 and 193) against SQLite's 78 — 70 % more cores
 * for the Map, where the in-process layer measured 40 against 41 µs (review R3).
 */
export function mechanismsFrom(oh: ReadonlyMap<string, OverheadFigures>): Mechanism[] {
  return MECHANISMS.flatMap((m) => {
    const f = oh.get(m.variant)
    if (!f) return []
    const rest = Math.max(0, f.cpuUs.median - f.cpuAddedUs.median)
    const auth = Math.max(0, (f.inprocAddedUs ?? f.cpuAddedUs).median)
    return [
      {
        id: m.variant,
        label: m.label,
        store: m.store,
        cpuUs: rest + auth,
        cpuAddedUs: auth,
        authSource: f.inprocAddedUs ? 'in-process' : 'http',
        readsPerReq: f.readsPerReq,
        writes: m.writes,
      },
    ]
  })
}

/** Cores to serve `rps` at `cpuUs` per request, at the assumed utilisation. */
export function coresFor(rps: number, cpuUs: number, a: Assumptions): number {
  return (rps * cpuUs) / 1e6 / a.utilisation
}

export function activeUsers(rps: number, a: Assumptions): number {
  return rps / a.reqPerActiveUser
}

/** Store writes per second at steady state: session touches, or refresh rotations. */
export function writesPerSec(m: Mechanism, rps: number, a: Assumptions): number {
  const active = activeUsers(rps, a)
  return m.writes === 'touch' ? active / a.touchIntervalSec : (active / a.accessTtlSec) * a.writesPerRefresh
}

/** Store operations per second (reads on the request path + writes); a stateless JWT with no check still writes refreshes. */
export function storeOpsPerSec(m: Mechanism, rps: number, a: Assumptions): number {
  return rps * m.readsPerReq + writesPerSec(m, rps, a)
}

/** Refreshes per second at the peak of a storm: every active user's token comes back at once. */
export function stormPeak(rps: number, a: Assumptions, jitter: boolean): number {
  const window = jitter ? Math.max(a.stormWindowSec, a.accessTtlSec * a.jitterFraction) : a.stormWindowSec
  return activeUsers(rps, a) / window
}

/** Records held in the store for `users`: live sessions, or live refresh families. */
export function storedRecords(m: Mechanism, users: number, a: Assumptions): number {
  const lifeDays = (m.writes === 'touch' ? a.sessionLengthSec : a.refreshTtlSec) / 86_400
  return m.writes === 'touch'
    ? users * Math.min(1, a.loginsPerUserPerDay * lifeDays)
    : users * a.loginsPerUserPerDay * lifeDays
}

export function storeBytes(
  m: Mechanism,
  users: number,
  a: Assumptions,
  heapBytesPerSession: number | null,
): number {
  const perRecord =
    m.store === 'memory' && heapBytesPerSession !== null ? heapBytesPerSession : a.storeRowBytes
  return storedRecords(m, users, a) * perRecord
}

export type WallKind = 'one-process' | 'one-host' | 'sqlite-writer' | 'redis-shard' | 'storm'

/** Where a design stops scaling at `rps`: each wall the model finds, by kind. Empty when nothing stops it. */
export function walls(m: Mechanism, rps: number, a: Assumptions): { kind: WallKind; text: string }[] {
  const out: { kind: WallKind; text: string }[] = []
  const total = coresFor(rps, m.cpuUs, a)
  const writes = writesPerSec(m, rps, a)
  const writer = (writes * a.sqliteWriteUs) / 1e6
  const ops = storeOpsPerSec(m, rps, a)
  if (m.store === 'memory' && total > 1)
    out.push({
      kind: 'one-process',
      text: `sessions in one process's memory, but ${fmt(total)} cores are needed: more processes need stickiness or a shared store`,
    })
  if (m.store === 'sqlite' && total > a.hostCores)
    out.push({
      kind: 'one-host',
      text: `a SQLite file is shared on one host only, and ${fmt(total)} cores > ${a.hostCores}: move the store to Redis`,
    })
  if (m.store !== 'memory' && writer > 1)
    out.push({
      kind: 'sqlite-writer',
      text: `SQLite's single writer would be ${fmt(writer * 100)} % busy (${fmt(writes)} writes/s × ${a.sqliteWriteUs} µs)`,
    })
  if (m.store !== 'memory' && ops > a.redisOpsPerShard)
    out.push({
      kind: 'redis-shard',
      text: `${fmt(ops)} store ops/s is more than one Redis shard: ${Math.ceil(ops / a.redisOpsPerShard)} shards at ${fmt(a.redisOpsPerShard)} ops/s each`,
    })
  if (m.writes === 'refresh') {
    const peak = stormPeak(rps, a, false) * a.writesPerRefresh
    if (peak > a.redisOpsPerShard || (peak * a.sqliteWriteUs) / 1e6 > 1)
      out.push({
        kind: 'storm',
        text: `a refresh storm (every token issued at once) peaks at ${fmt(peak)} writes/s without expiry jitter, ${fmt(stormPeak(rps, a, true) * a.writesPerRefresh)} with it`,
      })
  }
  return out
}

/** For each mechanism, each wall at the lowest target where it appears (higher targets only make it worse). */
export function firstWalls(ms: readonly Mechanism[], a: Assumptions): string[] {
  return ms.flatMap((m) => {
    const seen = new Set<WallKind>()
    return TARGET_RPS.flatMap((r) =>
      walls(m, r, a).flatMap((w) => {
        if (seen.has(w.kind)) return []
        seen.add(w.kind)
        return [`**${m.label}**, from ${fmt(r)} req/s: ${w.text}.`]
      }),
    )
  })
}

/** Integers with thousands separators; below 10 one decimal. */
export function fmt(n: number): string {
  if (n >= 10) return Math.round(n).toLocaleString('en-US')
  return (Math.round(n * 10) / 10).toString()
}

const bytes = (n: number) =>
  n >= 1024 ** 4
    ? `${fmt(n / 1024 ** 4)} TiB`
    : n >= 1024 ** 3
      ? `${fmt(n / 1024 ** 3)} GiB`
      : `${fmt(n / 1024 ** 2)} MiB`

export interface CapacityModel {
  /** The assumptions the model used: the defaults (or the caller's) with this run's measured ones in place. */
  assumptions: Assumptions
  measured: MeasuredAssumption[]
  mechanisms: Mechanism[]
  heapBytesPerSession: number | null
  tables: Table[]
  walls: string[]
}

/** The model for this run; null when the run has no overhead figures to build it from. */
export function capacityModel(
  results: ResultsFile,
  assumed: Assumptions = DEFAULT_ASSUMPTIONS,
): CapacityModel | null {
  const ms = mechanismsFrom(overheadFigures(results))
  if (ms.length === 0) return null
  const measured = measuredAssumptions(results)
  const a = withMeasured(assumed, measured)
  const mem = memoryFigures(results)
  const heap = mem?.heapBytesPerSession.get('stateful-memory') ?? null
  // A heap slope inside the method's resolution is not a figure: fall back to the assumed record size.
  const heapOk = mem && heap !== null && heap > mem.resolutionBytes ? heap : null
  const rpsCols = TARGET_RPS.map((r) => `${fmt(r)} req/s`)
  const cores: Table = {
    title: 'Cores for authentication (auth share of CPU) and for the whole authenticated request, per target',
    columns: ['mechanism', 'measured µs/req (auth + rest)', ...rpsCols],
    rows: ms.map((m) => [
      m.label,
      `${fmt(m.cpuAddedUs)} + ${fmt(m.cpuUs - m.cpuAddedUs)}`,
      ...TARGET_RPS.map(
        (r) => `${fmt(coresFor(r, m.cpuAddedUs, a))} auth / ${fmt(coresFor(r, m.cpuUs, a))} total`,
      ),
    ]),
    notes: [
      `Cores = req/s × CPU µs ÷ 10⁶ ÷ ${a.utilisation} (utilisation), with this machine’s cores; the whole request includes Hono, node:http and the route.`,
      ms.every((m) => m.authSource === 'in-process')
        ? 'Auth share: the in-process added µs per request (median of the rounds the verdicts use); the rest: the HTTP layer’s server CPU for the same server’s /public (node:http, the kernel, Hono).'
        : 'Auth share: the HTTP layer’s server CPU added over /public (this file has no in-process layer); the rest: that server’s /public.',
    ],
  }
  const store: Table = {
    title: 'Store operations per second (reads on the request path + writes) and Redis shards needed',
    columns: ['mechanism', 'reads/req', 'writes', ...rpsCols],
    rows: ms.map((m) => [
      m.label,
      Math.round(m.readsPerReq * 100) / 100,
      m.writes === 'touch'
        ? `touch every ${a.touchIntervalSec} s`
        : `${a.writesPerRefresh} per refresh every ${a.accessTtlSec} s`,
      ...TARGET_RPS.map((r) => {
        const ops = storeOpsPerSec(m, r, a)
        return m.store === 'memory'
          ? `${fmt(ops)} (in process)`
          : `${fmt(ops)} (${Math.max(1, Math.ceil(ops / a.redisOpsPerShard))} shard${ops > a.redisOpsPerShard ? 's' : ''})`
      }),
    ]),
    notes: [
      `Active users = req/s ÷ ${a.reqPerActiveUser}. A JWT with no per-request check still writes its refresh rotations to the store.`,
    ],
  }
  const memory: Table = {
    title: 'Memory for stored state (live sessions, or live refresh families)',
    columns: [
      'mechanism',
      'records per user',
      'bytes per record',
      ...TARGET_USERS.map((u) => `${fmt(u / 1e6)} M users`),
    ],
    rows: ms.map((m) => [
      m.label,
      Math.round(storedRecords(m, 1, a) * 100) / 100,
      m.store === 'memory' && heapOk !== null
        ? `${fmt(heapOk)} (measured heap)`
        : `${a.storeRowBytes} (assumed row)`,
      ...TARGET_USERS.map((u) => bytes(storeBytes(m, u, a, heapOk))),
    ]),
    notes: [
      `Sessions: one login a day, each session lives ${a.sessionLengthSec / 3600} h. Refresh families: one a day, each lives ${a.refreshTtlSec / 86_400} days unless logged out; one row per family is a lower bound (rotated tokens kept for reuse detection add rows).`,
      ...(heapOk === null
        ? [
            'The in-process Map uses the assumed record size: this run measured no heap-per-session figure above its resolution.',
          ]
        : []),
    ],
  }
  const wallLines = firstWalls(ms, a)
  return {
    assumptions: a,
    measured,
    mechanisms: ms,
    heapBytesPerSession: heapOk,
    tables: [cores, store, memory],
    walls: wallLines,
  }
}

/** The model's inputs besides the overhead figures: assumed, or (listed in `measured`) measured by this run. */
export function assumptionsTable(
  a: Assumptions = DEFAULT_ASSUMPTIONS,
  measured: readonly MeasuredAssumption[] = [],
): Table {
  return {
    title: 'Assumptions (every input not measured by this run) and inputs this run measured',
    columns: ['assumption', 'value', 'what', 'source'],
    rows: Object.values(ASSUMPTIONS).map((x) => {
      const m = measured.find((y) => y.key === x.key)
      return [
        x.key,
        `${fmt(m?.value ?? a[x.key as keyof Assumptions])} ${x.unit}`,
        x.what,
        m?.source ?? x.source,
      ]
    }),
  }
}
