/**
 * The in-process cost layer: every group's app in its own worker pinned to one core, driven through `app.fetch`
 * by tinybench. R rounds; in each, the workers in a different (seeded) order, and per worker GET /public and the
 * targets back to back (baseline first in odd rounds, last in even ones). Each worker visit is one measured round
 * for the noise guard: flagged rounds are re-run once (not in --quick, which is a smoke run).
 */

import { mapLimit } from '../../../lib/client.js'
import type { GuardBudget, NoiseLimits, RoundNoise } from '../../../lib/noise.js'
import {
  harnessCpuUs,
  judgeNoise,
  NoiseSampler,
  noiseLimits,
  publicDrifts,
  skipLine,
} from '../../../lib/noise.js'
import { pinSelfAway } from '../../../lib/pinning.js'
import type { Progress } from '../../../lib/progress.js'
import { median, roundOrders } from '../../../lib/stats.js'
import type { InvalidEntry, RunOptions } from '../../../report/schema.js'
import type { GroupSpec } from '../variants.js'
import { GROUPS, selectGroups } from '../variants.js'
import { publicId } from './build.js'
import type { LoadedSample, LoadedSettings } from './loaded.js'
import { LOADED_DEFAULTS, measureLoaded } from './loaded.js'
import type { PathResult, SettleResult } from './protocol.js'
import { InprocWorker } from './workers.js'

export interface InprocSettings {
  rounds: number
  /** tinybench time budget per path per round, ms. */
  timeMs: number
  /** Per path at setup, unpinned: run until this many requests or this many ms (worker.ts settlePaths). */
  settle: { requests: number; maxMs: number }
  /** Thrown-away requests per path in the warm-up pass before round 1 (ms), and before each path in every round. */
  warmupMs: number
  rewarmMs: number
  /** Slices per path per visit, the paths alternating (worker.ts measureVisit): a host drift hits both alike. */
  chunks: number
  users: number
  /** Re-run a noisy round once (off for --quick: a smoke run only flags). */
  rerun: boolean
  /** The pass under load after the rounds (loaded.ts). */
  loaded: LoadedSettings
}

export const INPROCESS_DEFAULTS = {
  // Per path per round: 160 ms ≈ 1 500–8 000 requests, whose median repeats within ~3 % on a steady machine (was
  // 200 ms: 10 s of the full run, for issue 14's < 10 min; the spread that remains comes from the host's slow spells).
  // settle: 15,000 requests covers the drift measured on the slowest-settling paths (HS256 ~17,000 calls in, Redis
  // ~2 s); 2 s caps the asymmetric and Redis paths, which settle in fewer calls. The pinned warm-up pass after it
  // only brings caches back (the code is optimized by then): 150 ms.
  full: {
    rounds: 5,
    timeMs: 160,
    settle: { requests: 15_000, maxMs: 2000 },
    warmupMs: 150,
    rewarmMs: 30,
    chunks: 5,
    users: 50,
  },
  quick: {
    rounds: 2,
    timeMs: 40,
    settle: { requests: 3000, maxMs: 300 },
    warmupMs: 60,
    rewarmMs: 10,
    chunks: 2,
    users: 16,
  },
} as const

export function inprocessSettings(o: RunOptions): InprocSettings {
  const d = o.quick ? INPROCESS_DEFAULTS.quick : INPROCESS_DEFAULTS.full
  return {
    rounds: o.rounds ?? d.rounds,
    timeMs: o.durationSec !== undefined ? Math.min(d.timeMs, o.durationSec * 1000) : d.timeMs,
    settle: { ...d.settle },
    warmupMs: d.warmupMs,
    rewarmMs: d.rewarmMs,
    chunks: d.chunks,
    users: o.connections ?? d.users,
    rerun: !o.quick,
    loaded: { ...(o.quick ? LOADED_DEFAULTS.quick : LOADED_DEFAULTS.full) },
  }
}

/** Seconds the layer takes: worker start-up (two at a time) plus every path's budget per round (and re-runs). */
export function inprocessEstimateSec(specs: readonly GroupSpec[], s: InprocSettings): number {
  const paths = specs.reduce((n, g) => n + g.targets.length + 1, 0)
  // + 10 ms per path of IPC and result handling, + 115 ms per visit for the calibration before it.
  const perRound = (paths * (s.timeMs + s.rewarmMs + 10 + s.chunks) + specs.length * 115) / 1000
  // The pass under load: ~19 paths at ~80 µs × 1.25 × requests each, per round and for its warm-up visit.
  const loaded = (s.loaded.rounds + 1) * 19 * (s.loaded.requests * 1.25 * 80e-6 + 0.02)
  // Settling runs two workers at once; ~80 µs per request is a middling path (cheap ones stop at `requests`).
  const settle = (paths * Math.min(s.settle.maxMs / 1000, s.settle.requests * 80e-6)) / 2
  return (
    (specs.length * 2.5) / 2 +
    settle +
    (paths * s.warmupMs) / 1000 +
    s.rounds * perRound * (s.rerun ? 1.15 : 1) +
    loaded
  )
}

/** The groups the in-process layer measures: every target (opt-in floors too: they cost no load run) unless named. */
export function inprocessGroups(variants: string[] | undefined): GroupSpec[] {
  return variants ? selectGroups(variants) : GROUPS.map((g) => ({ ...g, targets: [...g.targets] }))
}

/** One path of one worker in one round. */
export interface InprocSample extends PathResult {
  round: number
  group: string
  /** Position of the path within its worker visit. */
  position: number
}

/** One worker visit (= one measured round for the noise guard), with the attempt that was kept. */
export interface InprocVisit {
  round: number
  group: string
  noise: RoundNoise
  reasons: string[]
  rerun: boolean
  /**
   * The first attempt's noise when the visit was re-run (that attempt's figures were dropped). A re-run that is
   * noisy again (`reasons` not empty with `rerun`) is left out of the figures too.
   */
  dropped?: { noise: RoundNoise; reasons: string[] }
  /** Noisy, and not re-run because the run had already failed the guard (lib/noise.ts GuardBudget): kept. */
  skipped?: boolean
}

export interface InprocRun {
  settings: InprocSettings
  samples: InprocSample[]
  visits: InprocVisit[]
  invalid: InvalidEntry[]
  limits: NoiseLimits
  /** Where --cpu-prof wrote its profile. */
  profile?: string
  /** The pass under load (loaded.ts). */
  loaded: LoadedSample[]
  /** Per worker, what the settle step ran on each path before the rounds. */
  settled: { group: string; paths: SettleResult[] }[]
}

export async function measureInprocess(
  specs: readonly GroupSpec[],
  s: InprocSettings,
  cpu: number | null,
  progress: Progress,
  opts: { cpuProf?: { variant: string; file: string }; guard?: GuardBudget } = {},
): Promise<InprocRun> {
  const limits = noiseLimits('inprocess')
  const invalid: InvalidEntry[] = []
  const workers: InprocWorker[] = []
  const samples: InprocSample[] = []
  const visits: InprocVisit[] = []
  let profile: string | undefined
  let loaded: LoadedSample[] = []
  let unpin = () => {}
  try {
    progress.update(`in-process: starting ${specs.length} workers, ${s.users} users each`)
    // Two at a time: the build (argon2 logins) and the settle step are CPU-bound on a 2-core machine. A pool, not
    // pairs: the floor settles 14 paths (~16 s) while an app worker settles 2, so pairs left a core idle. Most paths
    // first (longest job first): started last, the floor ran alone for its last ~10 s (run G4: 47 s to start).
    const byPaths = specs.map((_, i) => i).sort((a, b) => specs[b]!.targets.length - specs[a]!.targets.length)
    const startedByPaths = await mapLimit(byPaths, 2, (i) =>
      InprocWorker.start(specs[i]!, s.users, cpu, s.settle).then(
        (value) => ({ ok: true, value }) as const,
        (err: unknown) => ({ ok: false, err }) as const,
      ),
    )
    const started = specs.map((_, i) => startedByPaths[byPaths.indexOf(i)]!)
    for (const [i, r] of started.entries()) {
      if (r.ok) workers.push(r.value)
      else {
        const reason = `in-process setup failed: ${r.err instanceof Error ? r.err.message.split('\n')[0] : String(r.err)}`
        for (const t of specs[i]!.targets) invalid.push({ variant: t.id, reason })
        progress.log(`${specs[i]!.id}: ${reason}`)
      }
    }
    const profiled = opts.cpuProf ? workers.find((w) => w.targets.includes(opts.cpuProf!.variant)) : undefined
    if (opts.cpuProf && !profiled) progress.log(`--cpu-prof: no worker serves ${opts.cpuProf.variant}`)
    if (profiled) await profiled.call({ op: 'profile-start' })
    const failed = new Set<string>()
    const calibrations: number[] = []
    // Warm-up pass before any measured round: every worker runs every path (thrown away), then the workers'
    // background threads (V8 compiling the hot code, GC) get 2 s to go quiet. Warming inside round 1 made round 1
    // the noisy one: other workers' compiler threads on the same core (run queue 3.2–4.0, the reference up to 2.7×
    // slower), so nearly every round-1 visit was re-run.
    for (const w of workers) {
      progress.update(`in-process warm-up · ${w.spec.id}`)
      try {
        await w.measure(w.targets, 10, s.warmupMs)
      } catch {
        // a worker that fails here fails again in round 1, where it is recorded as invalid
      }
    }
    await new Promise((r) => setTimeout(r, 2000))
    // The harness (IPC, /proc reads) stays off the measured core while the workers are measured.
    unpin = pinSelfAway(cpu)
    const own = () => workers.reduce((sum, w) => sum + w.cpuUs(), 0) + harnessCpuUs()
    type Attempt = { res: PathResult[]; noise: InprocVisit['noise']; reasons: string[] }
    type Visit = {
      slot: number
      round: number
      w: InprocWorker
      first: Attempt
      attempt: () => Promise<Attempt>
    }
    const firsts: Visit[] = []
    const retries: Visit[] = []
    const keep = (
      slot: number,
      round: number,
      w: InprocWorker,
      a: Attempt,
      dropped?: InprocVisit['dropped'],
    ) => {
      visits[slot] = {
        round,
        group: w.spec.id,
        noise: a.noise,
        reasons: a.reasons,
        rerun: !!dropped,
        dropped,
      }
      // A re-run that is noisy again is left out of every figure (lib/noise.ts NOISE_POLICY); the visit stays on
      // record with its noise.
      if (dropped && a.reasons.length > 0) return
      for (const [position, p] of a.res.entries()) samples.push({ ...p, round, group: w.spec.id, position })
    }
    // A crashed worker makes its variants invalid, not the whole layer.
    const fail = (w: InprocWorker, where: string, err: unknown) => {
      const reason = `${where}: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`
      failed.add(w.spec.id)
      for (const t of w.targets) invalid.push({ variant: t, reason })
      progress.log(reason)
    }
    for (const [r, order] of roundOrders(workers, s.rounds, 11).entries()) {
      const round = r + 1
      for (const w of order) {
        const ids = [publicId(w.spec.id), ...w.targets.filter((t) => t !== publicId(w.spec.id))]
        const seq = round % 2 === 1 ? ids : [...ids.slice(1), ids[0]!]
        progress.update(`in-process round ${round}/${s.rounds} · ${w.spec.id}`)
        const attempt = async () => {
          const sampler = new NoiseSampler(own, cpu === null ? null : { cpu, cpuUs: () => w.cpuUs() })
          // The reference workload on the measured core before the visit: is the machine running at the speed it
          // ran at for the rest of the run? (Compared with the median of the visits so far, once there are three.)
          const cal = await w.calibrate()
          const ref = calibrations.length >= 3 ? median(calibrations) : cal
          calibrations.push(cal)
          const res = await w.measure(seq, s.timeMs, s.rewarmMs, s.chunks)
          const noise = { ...sampler.stop(), calibrationNs: cal, speedDrift: Math.abs(cal / ref - 1) }
          return { res, noise, reasons: judgeNoise(noise, limits) }
        }
        if (failed.has(w.spec.id)) continue
        let first: Attempt
        try {
          first = await attempt()
        } catch (err) {
          fail(w, `in-process round ${round}`, err)
          continue
        }
        // The visit's place in the run's order is kept whether or not it is re-run later.
        const slot = visits.length
        visits.push({ round, group: w.spec.id, noise: first.noise, reasons: first.reasons, rerun: false })
        firsts.push({ slot, round, w, first, attempt })
      }
    }
    // The /public control (lib/noise.ts publicDrifts): judged once every visit has run, against the lower
    // quartile of the app workers' /public (the floor's /public, without the apps' middleware, against its own).
    const drift = publicDrifts(
      firsts.map((v) => ({ w: v.w, a: v.first })),
      (x) => x.w.spec.id === 'floor',
      (x) => x.a.res.find((p) => p.target === publicId(x.w.spec.id))?.p50Ns,
    )
    const judged = (w: InprocWorker, a: Attempt): Attempt => {
      const noise = { ...a.noise, publicDrift: drift({ w, a }) }
      return { ...a, noise, reasons: judgeNoise(noise, limits) }
    }
    for (const v of firsts) {
      const first = judged(v.w, v.first)
      visits[v.slot] = { ...visits[v.slot]!, noise: first.noise, reasons: first.reasons }
      if (first.reasons.length > 0 && s.rerun) {
        progress.log(
          `in-process round ${v.round} ${v.w.spec.id} noisy (${first.reasons.join('; ')}): re-running once after the rounds`,
        )
        retries.push({ ...v, first })
      } else keep(v.slot, v.round, v.w, first)
    }
    // Re-runs after the last round, not right away: the host's slow spells last seconds to minutes, so an immediate
    // re-run mostly landed in the same spell (runs G1, G2, both layers: 21 of 64 and 24 of 77 re-runs passed).
    let skipping = false
    for (const [i, x] of retries.entries()) {
      if (failed.has(x.w.spec.id)) continue
      if (opts.guard?.exhausted) {
        if (!skipping) progress.log(skipLine('in-process', retries.length - i))
        skipping = true
        keep(x.slot, x.round, x.w, x.first)
        visits[x.slot] = { ...visits[x.slot]!, skipped: true }
        continue
      }
      progress.update(`in-process re-runs ${i + 1}/${retries.length} · round ${x.round} · ${x.w.spec.id}`)
      try {
        const again = judged(x.w, await x.attempt())
        keep(x.slot, x.round, x.w, again, { noise: x.first.noise, reasons: x.first.reasons })
        if (again.reasons.length > 0) opts.guard?.leftOut()
      } catch (err) {
        fail(x.w, `in-process re-run of round ${x.round}`, err)
      }
    }
    // After the rounds (so it cannot disturb them): the same workers with requests in flight.
    loaded = await measureLoaded(workers, s.loaded, progress, (w) => {
      const sampler = new NoiseSampler(own, cpu === null ? null : { cpu, cpuUs: () => w.cpuUs() })
      return { stop: () => judgeNoise(sampler.stop(), limits) }
    })
    unpin()
    unpin = () => {}
    if (profiled && opts.cpuProf) {
      profile = (await profiled.call({ op: 'profile-stop', file: opts.cpuProf.file })) as string
    }
  } finally {
    unpin() // back on every core even when the layer threw
    await Promise.all(workers.map((w) => w.close().catch(() => undefined)))
  }
  const settled = workers.map((w) => ({ group: w.spec.id, paths: w.settled }))
  return { settings: s, samples, visits, invalid, limits, profile, loaded, settled }
}
