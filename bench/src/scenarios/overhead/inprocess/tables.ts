/** Tables of the in-process layer, the noise guard and the open-loop latency pass. */
import type { HostSpeed, NoiseRecord, RoundNoise } from '../../../lib/noise.js'
import { hostSpeedLine } from '../../../lib/noise.js'
import type { Summary } from '../../../lib/stats.js'
import type { Cell, Table } from '../../../report/schema.js'
import type { LatencyRow } from '../latency.js'
import type { InprocVariant } from './summary.js'

const n0 = (x: number) => Math.round(x).toLocaleString('en-US')
const rng = (s: Summary | null) => (s ? `${n0(s.median)} (${n0(s.min)}–${n0(s.max)})` : '–')

export function inprocessTable(vs: readonly InprocVariant[], rounds: number): Table {
  const rows: Cell[][] = vs.map((v) =>
    v.valid
      ? [
          v.id,
          rng(v.nsPerReq),
          rng(v.meanNs),
          v.moeNs === null ? null : `±${n0(v.moeNs)}`,
          rng(v.publicNs),
          rng(v.addedNs),
          v.addedNs && v.nsPerReq
            ? `${((100 * (v.addedNs.max - v.addedNs.min)) / v.nsPerReq.median).toFixed(1)} %`
            : '–',
          rng(v.cpuAddedNs),
          v.requests,
        ]
      : [v.id, 'INVALID', '–', '–', '–', '–', '–', '–', v.requests],
  )
  return {
    title: `In-process cost: ns per request through app.fetch, median of ${rounds} round(s) (min–max)`,
    columns: [
      'variant',
      'ns/req (median request)',
      'ns/req (mean, with GC pauses)',
      '95 % CI of a round mean (median)',
      'same worker /public ns/req (median request)',
      'added ns/req (path ÷ /public − 1, × median /public)',
      'between-round spread of added ÷ total',
      'CPU added ns/req',
      'requests measured',
    ],
    rows,
    notes: [
      'Wall time per request on a core the worker has to itself (when pinned); CPU = process.cpuUsage() over the same requests, all threads (the WebCrypto threadpool included).',
      "Each round's figure is its median request: the mean of a window moves ±15 % between identical windows on this VM (a major GC or a WAL checkpoint lands in one and not the next); the mean is shown beside it. The added cost is the ratio to the same visit's /public, scaled by that worker's median /public, so a host running the whole VM slower for a while does not move it.",
      'The spread column is the goal\'s "between-round spread ≤ 5 %": (max − min) of the added cost over rounds, relative to the variant\'s total.',
    ],
  }
}

const f2 = (x: number | null) => (x === null ? '–' : x.toFixed(2))

export function noiseTable(
  record: NoiseRecord,
  visits: readonly (readonly [
    string,
    { round: number; group: string; noise: RoundNoise; reasons: string[]; rerun: boolean },
  ])[],
  speed: HostSpeed | null = null,
): Table {
  // Flagged rounds first, then the busiest.
  const worst = [...visits]
    .sort(
      (a, b) => b[1].reasons.length - a[1].reasons.length || b[1].noise.otherCores - a[1].noise.otherCores,
    )
    .slice(0, 12)
  return {
    title: `Noise guard: ${record.passed ? 'passed' : 'FAILED'} — ${record.rounds} measured rounds, ${record.rerun} re-run, ${record.stillNoisy} noisy again after the re-run (left out of every figure), ${record.notRerun} noisy and not re-run${record.skipped ? ` (${record.skipped} skipped once the run had failed the guard)` : ''}${record.passed ? '' : `; failed: ${(record.failures ?? []).join('; ')}`} (the busiest rounds)`,
    columns: [
      'layer',
      'round',
      'server/worker',
      'other work (cores)',
      'on the measured core',
      'steal %',
      'run queue mean (max)',
      'irq + softirq (cores, own loopback traffic)',
      'machine speed vs the run (reference workload)',
      "GET /public vs the run's reference",
      're-run',
      'verdict',
    ],
    rows: worst.map(([layer, v]) => [
      layer,
      v.round,
      v.group,
      f2(v.noise.otherCores),
      f2(v.noise.otherOnPinnedCore),
      (v.noise.stealShare * 100).toFixed(1),
      `${v.noise.runQueueMean.toFixed(1)} (${v.noise.runQueueMax})`,
      f2(v.noise.irqCores ?? null),
      v.noise.speedDrift === null || v.noise.speedDrift === undefined
        ? '–'
        : `${(v.noise.speedDrift * 100).toFixed(1)} %`,
      v.noise.publicDrift === null || v.noise.publicDrift === undefined
        ? '–'
        : `${v.noise.publicDrift >= 0 ? '+' : ''}${(v.noise.publicDrift * 100).toFixed(1)} %`,
      v.rerun ? 'yes' : 'no',
      v.reasons.length > 0 ? `noisy${v.rerun ? ' again: left out' : ''}: ${v.reasons.join('; ')}` : 'quiet',
    ]),
    notes: [
      ...Object.entries(record.limits).map(
        ([layer, l]) =>
          `${layer} limits: other work ≤ ${l.otherCores} cores, ≤ ${l.otherOnPinnedCore} on the measured core, steal ≤ ${l.stealShare * 100} %, run queue ≤ ${l.ownRunnable + l.runQueueExcess}${l.speedDrift === undefined ? '' : `, reference workload within ${l.speedDrift * 100} % of the run's median where calibrated`}${l.publicDrift === undefined ? '' : `, GET /public at most ${l.publicDrift * 100} % above the run's reference (lower quartile of the visits)`}. Interrupt time is recorded, not counted (the kernel charges the round's own loopback traffic to no process). Why: docs/benchmarks.md (noise guard).`,
      ),
      ...(speed ? [hostSpeedLine(speed)] : []),
    ],
  }
}

export function latencyTable(rows: readonly LatencyRow[]): Table {
  return {
    title: "Open-loop latency at 50 % of each path's measured throughput (µs, from the scheduled send time)",
    columns: [
      'path',
      'offered req/s',
      'achieved req/s',
      'p50 µs',
      'p99 µs',
      'p99.9 µs',
      'max µs',
      'non-2xx + errors',
    ],
    rows: rows.map((r) => [
      r.target,
      Math.round(r.offeredRps),
      Math.round(r.achievedRps),
      r.p50Us,
      r.p99Us,
      r.p999Us,
      r.maxUs,
      `${r.non2xx} + ${r.errors}`,
    ]),
    notes: [
      'Each request is timed from when the schedule said to send it, so time spent queued behind a slow response counts (no coordinated omission).',
    ],
  }
}
