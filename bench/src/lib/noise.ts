/**
 * The noise guard: what else used the machine while a round was measured. For every measured round it records the
 * whole machine's busy and steal time from /proc/stat (all cores, and the core the measured process is pinned to),
 * subtracts the CPU of the processes the harness itself runs (server or in-process worker, load generator, the
 * harness), and samples the run queue (`procs_running`) every 50 ms. A round whose interference exceeds its
 * layer's limits is flagged; the scenario re-runs it once and says so in the report.
 *
 * Interrupt time (irq + softirq) is kept apart: the kernel charges it to no process, and on this machine it is the
 * loopback traffic of the round itself (an autocannon run at ~10 k req/s costs ~0.25 cores of softirq, measured with
 * /proc/stat around a plain Node server; an in-process worker talking to redis-server costs the same kind of time).
 * Counting it as "other work" flagged every HTTP round of a quiet machine; it is recorded per round instead.
 */
import { readFileSync } from 'node:fs'
import { readCpuTimes } from './proc-stats.js'
import { percentile } from './quantile.js'

/** Jiffies of one `cpu` line of /proc/stat, summed into the fields the guard needs. */
export interface CpuLine {
  /** user + nice + system + steal (guest time is already inside user/nice); interrupt time is `irq`. */
  busy: number
  idle: number
  steal: number
  /** irq + softirq: charged to no process (see the header). */
  irq: number
}

export interface ProcStat {
  total: CpuLine
  perCpu: CpuLine[]
  procsRunning: number
}

/** Parses /proc/stat text (exported for tests: a synthetic file is enough to check the arithmetic). */
export function parseProcStat(text: string): ProcStat {
  const perCpu: CpuLine[] = []
  let total: CpuLine = { busy: 0, idle: 0, steal: 0, irq: 0 }
  let procsRunning = 0
  for (const line of text.split('\n')) {
    const f = line.trim().split(/\s+/)
    if (f[0] === 'procs_running') procsRunning = Number(f[1])
    if (!f[0]?.startsWith('cpu')) continue
    const [user, nice, system, idle, iowait, irq, softirq, steal] = f.slice(1, 9).map((x) => Number(x) || 0)
    const cpu = {
      busy: user! + nice! + system! + steal!,
      idle: idle! + iowait!,
      steal: steal!,
      irq: irq! + softirq!,
    }
    if (f[0] === 'cpu') total = cpu
    else perCpu[Number(f[0].slice(3))] = cpu
  }
  return { total, perCpu, procsRunning }
}

export function readProcStat(): ProcStat {
  return parseProcStat(readFileSync('/proc/stat', 'utf8'))
}

/** What one measured round saw, in cores (1.0 = one core busy for the whole round). */
export interface RoundNoise {
  wallSec: number
  /** Average number of cores busy on the whole machine (process time and steal; interrupts are `irqCores`). */
  machineBusyCores: number
  /** Average cores spent in irq + softirq (mostly the round's own loopback traffic). */
  irqCores: number
  /** Average cores used by the harness's own processes (measured process, load generator, harness). */
  ownCores: number
  /** machineBusyCores − ownCores, never below 0: everything else. */
  otherCores: number
  /** Other work on the measured process's core (null when it is not pinned). */
  otherOnPinnedCore: number | null
  /** Steal time ÷ (wall × cores): the hypervisor running someone else while this VM wanted to run. */
  stealShare: number
  /** procs_running samples (includes the harness reading /proc/stat). */
  runQueueMean: number
  runQueueMax: number
  /**
   * |this round's reference ÷ the median reference of the run's earlier rounds − 1|: the reference workload
   * (lib/calibrate.ts) timed on the measured core just before the round; null where the layer does not calibrate
   * (HTTP: its ratios pair runs seconds apart).
   */
  speedDrift: number | null
  /** The reference workload's ns before the round (null: not calibrated). */
  calibrationNs: number | null
  /**
   * This visit's GET /public ÷ the run's reference /public − 1 (see publicReference): in-process the median ns per
   * request, over HTTP the server's CPU µs per request. Every app serves the same /public through the same app-wide
   * stack, measured inside the visit beside the target path, so it sees what the target saw. Null where not judged
   * (too few visits; HTTP records before session 6).
   */
  publicDrift?: number | null
}

/** Limits above which a round counts as noisy; each layer has its own (see noiseLimits). */
export interface NoiseLimits {
  otherCores: number
  otherOnPinnedCore: number
  stealShare: number
  /** Runnable tasks on average beyond the ones the harness itself keeps runnable. */
  runQueueExcess: number
  /** Runnable tasks the harness itself accounts for (measured process + load generator + the reader). */
  ownRunnable: number
  /** Largest change of the machine's speed within one round (see RoundNoise.speedDrift). */
  speedDrift: number
  /** Most a visit's /public may run above the run's reference /public (RoundNoise.publicDrift). */
  publicDrift?: number
}

/**
 * Why these limits: the goals are a between-round spread ≤ 5 % in-process and ≤ 15 % over HTTP.
 * - In-process, the worker is alone on its core: anything else on that core preempts it directly, so 5 % of that
 *   core (0.05) can by itself move a round by the whole 5 % budget. Other work elsewhere only shares caches and
 *   memory bandwidth with it: up to a quarter of a core (0.25) is tolerated.
 * - Over HTTP the server saturates one core and the load generator most of the other: every other task competes
 *   with one of them, so a tenth of a core (0.10, i.e. 5 % of this 2-core machine) is the limit.
 * - Steal above 2 % means the hypervisor itself is taking time away: always noisy.
 * - A run queue one task longer than ours on average means something waited for a core all along.
 * - The host itself may slow this VM down for minutes without any steal showing (see lib/calibrate.ts). Each
 *   in-process round times a reference workload on its core first; a round whose reference is more than 20 % off
 *   the median of the run's earlier rounds ran on a machine of another speed. The added cost is a ratio to the
 *   same visit's /public, which absorbs a steady change of speed, so only a large one is flagged; 20 % because
 *   the reference itself varies by up to ±15 % between visits (other workers' GC and compiler threads finishing
 *   on the same core). Comparing the reference before and after the same visit was tried and dropped: right after
 *   a visit the worker's own V8 background threads slowed it by up to 2.4×, which is not the machine.
 * - The reference workload (HMAC, small allocations) misses one slow mode of this host: for minutes the request
 *   path — allocation-heavy, memory-bound — runs ~1.5× slower while the reference runs at its usual speed. Every
 *   app worker's GET /public is the same code, measured inside each visit beside the target, so it is the control:
 *   on the quiet runs on record (F4, G4) every visit's /public was within −8 … +11 % of the run's median but one
 *   (+32 %), while noisy runs had 18–21 visits at +43 … +58 % that passed every other check (runs G3, H1) and moved
 *   the figures they carried by up to 2× (stateful-memory 34.6 → 67.8 µs). A visit whose /public is more than 15 %
 *   above the run's reference is noisy.
 */
export function noiseLimits(layer: 'inprocess' | 'http'): NoiseLimits {
  return layer === 'inprocess'
    ? {
        otherCores: 0.25,
        otherOnPinnedCore: 0.05,
        stealShare: 0.02,
        runQueueExcess: 1,
        ownRunnable: 2,
        speedDrift: 0.2,
        publicDrift: 0.15,
      }
    : {
        otherCores: 0.1,
        otherOnPinnedCore: 0.1,
        stealShare: 0.02,
        runQueueExcess: 1,
        // Server (main thread + V8/libuv helpers), load generator (main + autocannon's worker), harness: a full run
        // on a quiet machine (other work median 0.000 cores) had a run queue of median 3.7, p90 4.0, max 4.6.
        ownRunnable: 4,
        speedDrift: 0.1,
        // Server CPU per request of GET /public, a bimodal figure on this host: quiet visits −13 … +25 % of the
        // run's lower quartile, slow spells +43 % and more (runs H6, O1, J1; docs/benchmarks.md, noise guard).
        publicDrift: 0.35,
      }
}

/** The reasons a round is noisy under `limits` (empty = quiet). */
export function judgeNoise(n: RoundNoise, limits: NoiseLimits): string[] {
  const reasons: string[] = []
  const f2 = (x: number) => x.toFixed(2)
  if (n.otherCores > limits.otherCores)
    reasons.push(`other work ${f2(n.otherCores)} cores > ${f2(limits.otherCores)}`)
  if (n.otherOnPinnedCore !== null && n.otherOnPinnedCore > limits.otherOnPinnedCore)
    reasons.push(
      `other work on the measured core ${f2(n.otherOnPinnedCore)} > ${f2(limits.otherOnPinnedCore)}`,
    )
  if (n.stealShare > limits.stealShare)
    reasons.push(`steal ${(n.stealShare * 100).toFixed(1)} % > ${(limits.stealShare * 100).toFixed(0)} %`)
  if (n.runQueueMean - limits.ownRunnable > limits.runQueueExcess)
    reasons.push(`run queue ${n.runQueueMean.toFixed(1)} > ${limits.ownRunnable + limits.runQueueExcess}`)
  if (
    n.publicDrift !== null &&
    n.publicDrift !== undefined &&
    limits.publicDrift !== undefined &&
    n.publicDrift > limits.publicDrift
  )
    reasons.push(
      `GET /public ${(n.publicDrift * 100).toFixed(0)} % slower than the run's reference > ${(limits.publicDrift * 100).toFixed(0)} %`,
    )
  if (n.speedDrift !== null && n.speedDrift > limits.speedDrift)
    reasons.push(
      `machine speed ${(n.speedDrift * 100).toFixed(0)} % off the run's median > ${(limits.speedDrift * 100).toFixed(0)} %`,
    )
  return reasons
}

/** Computes a RoundNoise from two /proc/stat snapshots, the own CPU used in between (µs) and run-queue samples. */
export function roundNoise(
  a: ProcStat,
  b: ProcStat,
  wallSec: number,
  ownCpuUs: number,
  runQueue: readonly number[],
  pinned: { cpu: number; ownCpuUs: number } | null,
  ticksPerSec = 100,
): RoundNoise {
  const cores = Math.max(1, b.perCpu.filter(Boolean).length)
  const wall = Math.max(wallSec, 1e-6)
  const cores_ = (jiffies: number) => jiffies / ticksPerSec / wall
  const machineBusyCores = cores_(b.total.busy - a.total.busy)
  const ownCores = ownCpuUs / 1e6 / wall
  let otherOnPinnedCore: number | null = null
  if (pinned) {
    const pa = a.perCpu[pinned.cpu]
    const pb = b.perCpu[pinned.cpu]
    if (pa && pb) otherOnPinnedCore = Math.max(0, cores_(pb.busy - pa.busy) - pinned.ownCpuUs / 1e6 / wall)
  }
  const q = runQueue.length > 0 ? runQueue : [b.procsRunning]
  return {
    wallSec,
    machineBusyCores,
    irqCores: cores_(b.total.irq - a.total.irq),
    ownCores,
    otherCores: Math.max(0, machineBusyCores - ownCores),
    otherOnPinnedCore,
    stealShare: cores_(b.total.steal - a.total.steal) / cores,
    runQueueMean: q.reduce((s, x) => s + x, 0) / q.length,
    runQueueMax: Math.max(...q),
    speedDrift: null,
    calibrationNs: null,
  }
}

/**
 * Samples /proc/stat around one measured round. `ownCpuUs` is asked for at start and stop (the caller sums the
 * CPU of its own processes); the run queue is sampled on a 50 ms timer, which is itself negligible (one small read).
 */
export class NoiseSampler {
  private readonly t0 = performance.now()
  private readonly s0 = readProcStat()
  private readonly q: number[] = []
  private readonly timer: NodeJS.Timeout
  private readonly own0: number
  private readonly pinned0: number

  constructor(
    private readonly ownCpuUs: () => number,
    private readonly pinned: { cpu: number; cpuUs: () => number } | null = null,
  ) {
    this.own0 = ownCpuUs()
    this.pinned0 = pinned?.cpuUs() ?? 0
    this.timer = setInterval(() => {
      try {
        this.q.push(readProcStat().procsRunning)
      } catch {
        // /proc gone (not Linux): the round simply has no run-queue samples
      }
    }, 50)
    this.timer.unref()
  }

  stop(): RoundNoise {
    clearInterval(this.timer)
    const s1 = readProcStat()
    const wall = (performance.now() - this.t0) / 1000
    const pinned = this.pinned ? { cpu: this.pinned.cpu, ownCpuUs: this.pinned.cpuUs() - this.pinned0 } : null
    return roundNoise(this.s0, s1, wall, this.ownCpuUs() - this.own0, this.q, pinned)
  }
}

/**
 * The run's reference GET /public for the publicDrift check: the lower quartile of the visits' /public medians.
 * Interference only adds time, and on a host that spent much of a run in its slow mode (run G1: 38 of 90 visits)
 * the median itself is slow; the quartile stays with the fast mode while at least a quarter of the visits ran in
 * it. Null below 4 visits.
 */
export function publicReference(values: readonly number[]): number | null {
  if (values.length < 4) return null
  return percentile(
    [...values].sort((a, b) => a - b),
    25,
  )
}

/**
 * The /public control for one layer: the references from every first visit (the floor's /public, without the apps'
 * middleware, against its own visits; the apps' against theirs), and a function giving any visit's drift from its
 * reference (first attempts and re-runs alike). Null when the reference or the visit's /public is missing.
 */
export function publicDrifts<T>(
  firsts: readonly T[],
  isFloor: (x: T) => boolean,
  publicOf: (x: T) => number | undefined,
): (x: T) => number | null {
  const refs = new Map<boolean, number | null>(
    [true, false].map((floor) => [
      floor,
      publicReference(
        firsts
          .filter((x) => isFloor(x) === floor)
          .flatMap((x) => {
            const v = publicOf(x)
            return v !== undefined && Number.isFinite(v) ? [v] : [] // a failed run's NaN is no reference
          }),
      ),
    ]),
  )
  return (x) => {
    const ref = refs.get(isFloor(x))
    const pub = publicOf(x)
    return ref && pub !== undefined && Number.isFinite(pub) ? pub / ref - 1 : null
  }
}

/**
 * When a run passes the guard. A round still noisy after its one re-run is left out of every figure (its samples
 * are dropped, like the first attempt's), so no figure or verdict carries a noisy round. The run passes when, on
 * top of that, no worker or server lost more than one round per layer (in-process keeps ≥ 4 of 5: the verdict rule
 * still has more than its 3-round minimum; HTTP, which decides no verdict, keeps ≥ 1 of 2) and at most 5 % of all
 * rounds were left out (more than that says the host was not quiet for the run as a whole, whatever the rounds that
 * got through show).
 * A round that could not be re-run (--quick) and stayed noisy is kept and fails the guard, as before. A re-run
 * skipped because the run had already failed (GuardBudget) is kept the same way.
 */
export const NOISE_POLICY = { maxLeftOutPerGroup: 1, maxLeftOutShare: 0.05 } as const

/**
 * When to stop re-running. Once more rounds have been left out (noisy again after their re-run) than NOISE_POLICY
 * allows for the whole run — 5 % of the rounds PLANNED for both layers — the run has failed the guard whatever the
 * pending re-runs show, and the host is in a state where re-runs come back noisy: both layers then skip the rest and
 * keep the first attempts, flagged as noisy and not re-run, like a --quick run's (a failed run carries no verdicts
 * anyway). Why: runs J6 and K1 re-ran 94 and 102 rounds (~1–2 s each) and failed regardless — K1's re-runs came
 * back noisy 80 times — so the noisiest runs were also the longest. A worker that loses a second round fails the
 * run too, but does NOT stop the re-runs: in run J4 one worker did, while 70 of the other 76 re-runs came back
 * clean and cleaned those figures. Planned rounds ≥ judged rounds (a crashed worker judges fewer), so the share
 * used here is never below summarizeNoise's: the budget is exhausted only in a run that has failed.
 */
export class GuardBudget {
  private lost = 0

  constructor(
    private readonly plannedRounds: number,
    private readonly policy: { maxLeftOutShare: number } = NOISE_POLICY,
  ) {}

  /** A round was noisy again after its re-run (left out). */
  leftOut(): void {
    this.lost++
  }

  /** More rounds left out than the run may lose: it has failed, and further re-runs are skipped. */
  get exhausted(): boolean {
    return this.lost > Math.floor(this.plannedRounds * this.policy.maxLeftOutShare)
  }
}

/** How fast the host ran over a layer's visits, from the reference workload timed before each one (lib/calibrate.ts). */
export interface HostSpeed {
  visits: number
  /** The reference workload's ns: the run's fastest quarter (lower quartile), median and slowest visit. */
  q25Ns: number
  medianNs: number
  maxNs: number
  /** Visits whose reference took more than `slowAbove` longer than the lower quartile: the host's slow spells. */
  slow: number
  slowAbove: number
}

/**
 * The host's speed over a run: every calibrated visit's reference workload (first attempts and re-runs alike).
 * Why: on a shared host the same VM runs at two speeds for minutes at a time (2026-12-01: the reference took
 * ~2.1 ms in a third of the visits and ~3.6 ms in the rest, where the quiet sample run J3 took 1.67 ms in nearly all
 * of them). The per-visit flags name each slow visit; this says in one line whether the run failed on the host's
 * own speed, which no other check and no process list shows. `slowAbove` is the speed check's limit. Null below 4
 * calibrated visits.
 */
export function hostSpeed(calibrationsNs: readonly number[], slowAbove = 0.2): HostSpeed | null {
  const cals = calibrationsNs.filter((x) => Number.isFinite(x) && x > 0).sort((a, b) => a - b)
  const q25 = publicReference(cals)
  if (q25 === null) return null
  return {
    visits: cals.length,
    q25Ns: q25,
    medianNs: percentile(cals, 50)!,
    maxNs: cals[cals.length - 1]!,
    slow: cals.filter((x) => x / q25 - 1 > slowAbove).length,
    slowAbove,
  }
}

/** One sentence for the report (noise notes, and the banner of a run that failed the guard). */
export function hostSpeedLine(s: HostSpeed): string {
  const ms = (ns: number) => `${(ns / 1e6).toFixed(2)} ms`
  const limit = `${s.slowAbove * 100} % slower than the fastest quarter`
  const spells =
    s.slow === 0
      ? `none ran more than ${limit}`
      : `${s.slow} of ${s.visits} ran more than ${limit} (where the table shows no other work on the machine, the host itself ran slower)`
  return `Host speed (the reference workload before each in-process visit): ${ms(s.q25Ns)} in the fastest quarter of ${s.visits} visits, median ${ms(s.medianNs)}, slowest ${ms(s.maxNs)}; ${spells}.`
}

/** The progress line when a layer starts skipping its pending re-runs (GuardBudget). */
export function skipLine(layer: string, pending: number): string {
  return `${layer}: more rounds left out than the noise guard allows (the run has failed it); the remaining ${pending} re-run(s) are skipped and their first attempts kept, flagged as noisy`
}

/** The run's noise record as results.json carries it (`noise` of the overhead experiment's raw data). */
export interface NoiseRecord {
  passed: boolean
  /** Measured rounds (per layer, per server or worker) that were judged. */
  rounds: number
  /** Rounds re-run once because their first attempt was noisy (that attempt was dropped). */
  rerun: number
  /** Rounds still noisy after their re-run: left out of every figure (absent in records before session 5). */
  stillNoisy: number
  /** Rounds that could not be re-run (quick/smoke runs do not re-run) and stayed noisy; kept in the figures. */
  notRerun: number
  /** Of `notRerun`: re-runs skipped because the run had already failed the guard (GuardBudget; absent before). */
  skipped?: number
  /** Why the run failed the guard (empty when it passed). */
  failures?: string[]
  limits: Record<string, NoiseLimits>
  /** One line per flagged round: layer, round, server, reasons (and whether it was left out). */
  flagged: string[]
}

/** Folds per-round judgements into the run's record (see NOISE_POLICY for when it passes). */
export function summarizeNoise(
  judged: readonly {
    layer: string
    group: string
    label: string
    reasons: string[]
    /** Re-run once; a re-run that is still noisy was left out of the figures. */
    rerun: boolean
    /** Not re-run because the run had already failed the guard (GuardBudget). */
    skipped?: boolean
  }[],
  limits: Record<string, NoiseLimits>,
  policy: { maxLeftOutPerGroup: number; maxLeftOutShare: number } = NOISE_POLICY,
): NoiseRecord {
  const noisy = judged.filter((j) => j.reasons.length > 0)
  const leftOut = noisy.filter((j) => j.rerun)
  const notRerun = noisy.filter((j) => !j.rerun)
  const failures: string[] = []
  // A skipped re-run is a consequence of the failures below, not a reason of its own.
  const couldNot = notRerun.filter((j) => !j.skipped)
  if (couldNot.length > 0) failures.push(`${couldNot.length} noisy round(s) could not be re-run`)
  const perGroup = new Map<string, number>()
  for (const j of leftOut) {
    const key = `${j.layer} ${j.group}`
    perGroup.set(key, (perGroup.get(key) ?? 0) + 1)
  }
  for (const [g, n] of perGroup)
    if (n > policy.maxLeftOutPerGroup)
      failures.push(`${g} lost ${n} rounds (at most ${policy.maxLeftOutPerGroup} may be left out)`)
  const cap = Math.floor(judged.length * policy.maxLeftOutShare)
  if (leftOut.length > cap)
    failures.push(
      `${leftOut.length} of ${judged.length} rounds left out (at most ${cap}, ${policy.maxLeftOutShare * 100} %)`,
    )
  return {
    passed: failures.length === 0,
    rounds: judged.length,
    rerun: judged.filter((j) => j.rerun).length,
    stillNoisy: leftOut.length,
    notRerun: notRerun.length,
    skipped: notRerun.length - couldNot.length,
    failures,
    limits,
    flagged: noisy.map(
      (j) =>
        `${j.layer} ${j.label}: ${j.reasons.join('; ')}${j.rerun ? ' (noisy again after its re-run: left out)' : j.skipped ? ' (not re-run: the run had already failed the guard; kept)' : ''}`,
    ),
  }
}

/** Reads the CPU (utime+stime) of a process in µs, 0 when it has gone. */
export function cpuUsOf(read: () => { totalUs: number }): number {
  try {
    return read().totalUs
  } catch {
    return 0
  }
}

/**
 * Helper processes the harness started besides the measured server and the load generator (the bench's own
 * redis-server): their CPU is the run's own work, not interference, so the noise guard must not count it.
 */
const helperPids = new Set<number>()

export function registerHelperProcess(pid: number): () => void {
  helperPids.add(pid)
  return () => helperPids.delete(pid)
}

/** CPU µs of the harness process itself plus every registered helper process. */
export function harnessCpuUs(): number {
  const u = process.cpuUsage()
  let total = u.user + u.system
  for (const pid of helperPids) total += cpuUsOf(() => readCpuTimes(pid))
  return total
}
