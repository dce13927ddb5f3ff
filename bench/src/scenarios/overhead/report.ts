/** The overhead section of the report: method, tables, charts and verdicts from the measured samples. */
import type { Gate } from '../../lib/evidence.js'
import { hostSpeed, hostSpeedLine, noiseLimits, summarizeNoise } from '../../lib/noise.js'
import type { Pinning } from '../../lib/pinning.js'
import type { Claim, ExperimentResult, InvalidEntry } from '../../report/schema.js'
import type { CacheStat } from './cache-stats.js'
import { cacheTable } from './cache-stats.js'
import { loadedTable, summarizeLoaded } from './inprocess/loaded.js'
import type { InprocRun, InprocVisit } from './inprocess/measure.js'
import { summarizeInprocess } from './inprocess/summary.js'
import { inprocessTable, latencyTable, noiseTable } from './inprocess/tables.js'
import type { LatencyRow } from './latency.js'
import { LATENCY_SHARE } from './latency.js'
import type { HttpVisit, MeasureSettings, Sample } from './measure.js'
import type { RedisTrips } from './redis-run.js'
import { redisTripsTable } from './redis-run.js'
import { summarizeVariants } from './summary.js'
import {
  baselineTable,
  decompositionChart,
  decompositionTable,
  descriptionTable,
  mainTable,
  ratioChart,
  stabilityTable,
} from './tables.js'
import type { Group, GroupSpec } from './variants.js'
import {
  decompose,
  evidenceFrom,
  verdictC1,
  verdictC4,
  verdictC10,
  verdictC12,
  verdictDecomposition,
} from './verdicts.js'

const METHOD = `Two layers, the same variants.

**In-process cost layer (verdicts and decomposition).** Each server configuration — every app variant, and the floor — is built in its own worker process exactly as the server builds it (\`createApp(deps)\` with the variant's env through the app's own \`readConfig\`, its real stores and keys on a temporary DB), with N seeded users each logged in through the app. Once built, every path is **settled**: called one request at a time until a request count or a time is reached (full run: 15,000 requests or 2 s; an app's hot path keeps getting faster for its first ~15,000 requests — HS256 /me ran at 96 µs per request for 1.4 s, then 82 µs — and a drift left inside the rounds reads as noise), two workers at once, before pinning. Then the worker and all its threads are pinned to one core (\`taskset -a -cp\`) and every path gets a short warm-up that brings its caches back. tinybench then drives \`app.fetch(new Request(…))\` — no socket, no load generator on that core — for \`GET /public\` and the variant's \`GET /me\` (request i carries user i mod N; /public gets the same headers so both build the same Request). Reported: wall ns per request — per round the **median** request (the mean, with its 95 % confidence interval, beside it: on this VM the mean of a window moves ±15 % between identical windows as a major GC or a WAL checkpoint lands in one and not the next, while the median repeats within ~3 %) — and per round the cost added over /public in the same worker visit, as (path ÷ /public − 1) × the worker's median /public over rounds, so that a host slowing the whole VM for a while (it does: no steal shows, yet the same code runs up to 1.7× slower for minutes) moves the ratio, not the figure. Rounds interleave the workers in a different order each round, baseline first in odd rounds and last in even ones; within a visit each path is measured in 5 slices, the paths alternating (A B, B A, A B, …: a drift of the host's speed over the visit hits /public and the path alike).

**Library floors.** The floor worker/server also serves the auth libraries alone: raw \`jose.jwtVerify\` (pre-imported CryptoKey, the app's verify options, a token of the app's shape; one route per algorithm) and raw hono-sessions (\`sessionMiddleware\` over a MemoryStore, and over a minimal Store on the floor's SQLite table). Each app variant's cost splits into framework (floor /public), app base, mechanism (raw floor routes), library (library floor − mechanism) and **our code** (variant − library floor).

**Noise guard.** Every measured round (one worker or server visit) records, from /proc/stat, the machine's busy and steal time minus the CPU of the harness's own processes, the other work on the measured core, and the run queue; interrupt time (irq + softirq, the round's own loopback traffic, charged by the kernel to no process) is recorded apart. In-process rounds also time a fixed reference workload (HMAC-SHA256 + allocation, best of five) on the measured core right before the visit: a round whose reference is more than 20 % off the median of the run's earlier rounds ran on a machine of another speed and is flagged. And every in-process visit's GET /public — the same code in every app worker, measured in slices interleaved with the target — is compared after the last round with the run's reference (the lower quartile of the visits; the floor against its own): more than 15 % above it is noisy (the host has a slow mode for memory-bound code that the reference workload does not see). Over HTTP the same control judges each server visit's GET /public CPU per request: more than 35 % above the run's lower quartile is noisy (quiet visits fall within −13 … +25 % of it, slow spells at +43 % and more). The harness itself is moved off the measured core while a layer measures. A round over the limits is re-run once, after the layer's last round (the host's slow spells last seconds to minutes: an immediate re-run mostly landed in the same spell), not with --quick, and the report counts re-runs. A round still over the limits after its re-run is left out of every figure (both attempts' samples dropped). The run passes the guard when no worker or server lost more than one round per layer (in-process keeps ≥ 4 of 5 rounds, above the verdicts' 3-round minimum; HTTP, which decides no verdict, ≥ 1 of 2) and at most 5 % of all rounds were left out; otherwise (or when a --quick round stayed noisy) the run is marked noisy, a banner says so and no verdict badge is given. Once more than 5 % of the rounds have been left out, the run has failed and its re-runs are coming back noisy: the remaining re-runs are skipped and their first attempts kept, flagged (so a noisy host does not also make the run longer).

**Verdicts.** ✔/✘ only when the difference between two variants exceeds the between-round spread (max − min over rounds of either) in every round, with the same sign, in at least 3 rounds of a run that passed the noise guard; "no measurable difference" only when every round's difference and both spreads stay within 5 % (≥ 1 µs). Anything else is inconclusive and names the overlapping numbers. A --quick run is a smoke run: figures, no badges.

**HTTP layer (throughput, server CPU, latency).** Each variant runs in its own server process (a child process on a free 127.0.0.1 port, temporary DB, logging off); autocannon runs in a separate load-generator process, each pinned to its own core. First every path of every server is **settled** (run and thrown away: a server's first second of load measures V8 optimizing its code — one server loaded alone spent 240 µs of CPU per request on its first 0.6 s of GET /public and ~50 µs from then on). Then in each round every server is visited once, in a different (seeded) order per round: a short re-warm, then \`GET /public\` and \`GET /me\` back to back. Throughput counts **2xx only**; any non-2xx, error or timeout marks the variant **invalid** (listed, never averaged). Server CPU per request = utime + stime of the server process over the run ÷ responses; store reads/writes per request come from \`/metrics\`. Then an **open-loop** pass per auth path (and the floor's /public as the baseline) at 50 % of its measured throughput, each request timed in µs from its scheduled send time (no coordinated omission): p50 / p99 / p99.9.

**Redis variants** (\`stateful-redis\`, \`stateful-redis-cached\`, \`stateless-hs256-denylist-redis\`, \`stateless-hs256-denylist-redis-cached\`, \`floor-redis\`): one redis-server per overhead run, started by the harness on a free loopback port (\`--save ''\`, \`--appendonly no\`), pinned to the load generator's core, stopped by PID; both layers use it, each server or worker under its own \`REDIS_PREFIX\`. So the figures include a real loopback round trip to another process on the other core. After the rounds, a short sequential sample per Redis variant counts the commands Redis executed (INFO commandstats before and after).

Algorithm variants (RS256, ES256, EdDSA, JWE) run with \`REVOCATION=none\` so they measure the token alone; access tokens live 1 h so none expires mid-run.`

export const CLAIMS: readonly Claim[] = [
  { id: 'C1', text: '"Stateless is faster because it skips the DB lookup."' },
  { id: 'C4', text: '"A central session store adds overhead."' },
  {
    id: 'C10',
    text: '"HS256 vs asymmetric algorithms": how much more an RS256 / ES256 / EdDSA verification costs.',
  },
  {
    id: 'C12',
    text: '"Storing or checking tokens in a DB cancels statelessness" (deny-list and token_version checks).',
  },
  {
    id: 'decomposition',
    text: "How much of each variant's cost is the framework, the auth library (hono-sessions, jose) and the mechanism itself.",
  },
]

export interface OverheadInputs {
  samples: readonly Sample[]
  visits: readonly HttpVisit[]
  latency: readonly LatencyRow[]
  groups: readonly Group[]
  settings: MeasureSettings
  invalid: readonly InvalidEntry[]
  inproc: InprocRun
  inprocSpecs: readonly GroupSpec[]
  pinning: Pinning
  quick: boolean
  /** Hit rates of the verified-token and session cookie caches, scraped after the last round. */
  cacheStats?: readonly CacheStat[]
  /** Issue 12: Redis commands per request of the Redis variants. */
  redisTrips?: readonly RedisTrips[]
}

/** Both layers summarised per variant (invalid ones listed, never averaged), the noise record, verdicts, tables. */
export function buildOverheadResult(x: OverheadInputs): ExperimentResult {
  const { settings, pinning } = x
  const targets = x.groups.flatMap((g) =>
    g.spec.targets.map((t) => ({
      id: t.id,
      group: g.spec.id,
      label: t.label,
      description: g.spec.description,
    })),
  )
  const variants = summarizeVariants([...x.samples], targets, settings.rounds)
  const inproc = summarizeInprocess(
    x.inproc.samples,
    x.inprocSpecs,
    x.inproc.settings.rounds,
    x.inproc.invalid,
  )
  const loaded = summarizeLoaded(x.inproc.loaded ?? [])
  const invalid = [...x.invalid]
  for (const v of variants)
    if (!v.valid) invalid.push({ variant: v.id, reason: `HTTP: ${v.reason ?? 'invalid'}` })
  for (const v of inproc)
    if (!v.valid) invalid.push({ variant: v.id, reason: `in-process: ${v.reason ?? 'invalid'}` })
  const noise = summarizeNoise(
    [...x.inproc.visits.map((v) => judged('in-process', v)), ...x.visits.map((v) => judged('http', v))],
    { inprocess: x.inproc.limits, http: noiseLimits('http') },
  )
  // Every calibrated attempt, dropped first attempts included: the host's speed over the whole layer.
  const speed = hostSpeed(
    x.inproc.visits.flatMap((v) =>
      [v.noise.calibrationNs, v.dropped?.noise.calibrationNs].flatMap((c) =>
        typeof c === 'number' ? [c] : [],
      ),
    ),
    x.inproc.limits.speedDrift,
  )
  // A failed run whose host ran slow for a tenth of its visits or more says so beside the failure: that is the
  // remedy the reader needs (another time or machine), not a process to stop.
  const slowHost = !noise.passed && speed !== null && speed.slow >= Math.max(1, speed.visits / 10)
  const gate: Gate = { smoke: x.quick, noisePassed: noise.passed, source: 'in-process layer' }
  const evs = evidenceFrom(inproc, variants)
  const parts = decompose(evs)
  const banner = x.quick
    ? 'Smoke run (--quick): figures only, no verdict badges.' +
      (noise.passed
        ? ''
        : ` The machine was also busy: ${noise.flagged.length} of ${noise.rounds} measured rounds over the noise limits.${slowHost && speed ? ` ${hostSpeedLine(speed)}` : ''}`)
    : noise.passed
      ? undefined
      : `NOISY RUN: ${noise.stillNoisy + noise.notRerun} of ${noise.rounds} measured rounds stayed over the noise limits after ${noise.rerun} re-run(s)${noise.skipped ? ` (${noise.stillNoisy} noisy again; ${noise.skipped} not re-run once the run had failed)` : ''} (${(noise.failures ?? []).join('; ')}); verdicts are withheld. ${slowHost && speed ? `${hostSpeedLine(speed)} ` : ''}Rerun on a quiet machine.`
  return {
    id: 'overhead',
    title: 'Per-request auth overhead',
    claims: [...CLAIMS],
    banner,
    method: `${METHOD}\n\nThis run: in-process settle ${x.inproc.settings.settle.requests} requests or ${x.inproc.settings.settle.maxMs} ms per path, then ${x.inproc.settings.rounds} round(s) × ${x.inproc.settings.timeMs} ms per path, ${x.inproc.settings.users} users per worker; HTTP ${httpWarmText(settings)}, ${settings.connections} connections (= ${settings.connections} distinct users per server), open-loop latency ${settings.latencySec} s per path at ${LATENCY_SHARE * 100} % of its capacity. Noise guard: ${noise.rounds} measured rounds, ${noise.rerun} re-run, ${noise.stillNoisy} noisy again after the re-run and left out of every figure, ${noise.notRerun} noisy and not re-run (--quick does not re-run${noise.skipped ? `; ${noise.skipped} re-run(s) skipped once the run had failed the guard` : ''}). ${pinning.note}.${x.inproc.profile ? ` CPU profile: ${x.inproc.profile}.` : ''}`,
    tables: [
      inprocessTable(inproc, x.inproc.settings.rounds),
      decompositionTable(parts),
      noiseTable(
        noise,
        [
          ...x.inproc.visits.map((v) => ['in-process', v] as const),
          ...x.visits.map((v) => ['http', v] as const),
        ],
        speed,
      ),
      mainTable(variants, settings.rounds),
      latencyTable(x.latency),
      stabilityTable(variants, settings.rounds),
      baselineTable(variants),
      descriptionTable(variants),
      ...[
        loadedTable(loaded, x.inproc.settings.loaded),
        cacheTable(x.cacheStats ?? []),
        redisTripsTable(x.redisTrips ?? []),
      ].filter((t) => t !== null),
    ],
    charts: [ratioChart(variants), decompositionChart(parts)],
    verdicts: [
      ...verdictC1(evs, gate),
      ...verdictC4(evs, gate),
      verdictC10(evs, gate),
      verdictC12(evs, gate),
      verdictDecomposition(parts, gate),
    ],
    invalid,
    notes: [
      'Verdicts use the in-process layer only. A difference counts when it exceeds the between-round spread in every round, in a run that passed the noise guard (lib/evidence.ts).',
      'Server CPU µs per request over HTTP includes the kernel and @hono/node-server; in-process ns per request includes building the WHATWG Request and Response objects.',
      'With pinning, the server (or worker) and its libuv threadpool (WebCrypto work of jose) share one core: asymmetric algorithms cannot spill onto the second core as they would unpinned.',
    ],
    raw: {
      settings,
      inprocessSettings: x.inproc.settings,
      pinning,
      noise,
      variants,
      inprocess: inproc,
      decomposition: parts,
      latency: x.latency,
      samples: x.samples,
      inprocessSamples: x.inproc.samples,
      visits: { inprocess: x.inproc.visits, http: x.visits },
      cacheStats: x.cacheStats ?? [],
      redisTrips: x.redisTrips ?? [],
      loaded,
      loadedSamples: x.inproc.loaded ?? [],
      settled: x.inproc.settled ?? [],
    },
  }
}

function judged(layer: string, v: InprocVisit | HttpVisit) {
  return {
    layer,
    group: v.group,
    label: `round ${v.round} ${v.group}`,
    reasons: v.reasons,
    rerun: v.rerun,
    skipped: v.skipped === true,
  }
}

/** The HTTP layer's settle and rounds as this run ran them (results.json before session 6 had no settle pass). */
function httpWarmText(s: MeasureSettings & { warmupSec?: number }): string {
  return s.settleSec !== undefined
    ? `every path settled ${s.settleSec} s, then ${s.rounds} round(s) × ${s.durationSec} s per run with ${s.rewarmSec} s re-warm per server visit`
    : `${s.rounds} round(s) × ${s.durationSec} s per run, ${s.warmupSec} s warm-up per server in round 1 and ${s.rewarmSec} s in later rounds`
}
