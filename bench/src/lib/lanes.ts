/**
 * Which scenarios of a run may share the machine, and in which order. A full run keeps every measurement alone,
 * except the scenarios that declare `sideBySide`: their results are outcomes (which attack was refused, which tab
 * won a refresh race, how many access tokens a thief got) and windows of seconds (a JWKS cooldown), which another
 * scenario's CPU load does not change; consecutive ones run in two lanes (measured: attacks + reuse ‖ rotation + race
 * took 78 s against 142 s one after another; three lanes took 82 s, attacks slowing from 60 to 82 s). A `--quick`
 * run is a smoke run (no verdicts, figures only): everything after the overhead experiment runs in two lanes, and
 * the report says so. `--serial` turns lanes off.
 */
import type { RunOptions } from '../report/schema.js'
import type { Scenario } from './scenario.js'

/** One step of a run: a single scenario, or lanes that run at the same time (each lane in order). */
export type Batch = { kind: 'alone'; scenario: Scenario } | { kind: 'lanes'; lanes: Scenario[][] }

/**
 * Wall time of a batch relative to its longest lane's serial time: two lanes on 2 cores slow each other. Measured:
 * the quick run's longer lane took 129 s for 89 s of the same scenarios run serially (1.45×); the full run's lanes
 * took 78–86 s for rotation + race's 74 s serial (1.05–1.16×: rotation mostly waits on timers).
 */
const CONTENTION = { quick: 1.45, full: 1.1 } as const

/** How many lanes a batch may use (a third lane measured slower than two: the busy scenarios share 2 cores). */
const LANES = { quick: 2, full: 2 } as const

/** May `s` share the machine in this run? */
function sharable(s: Scenario, options: RunOptions): boolean {
  if (options.serial) return false
  // The quick run keeps overhead alone: its in-process figures are the ones a smoke run still prints.
  if (options.quick) return s.id !== 'overhead'
  return s.sideBySide === true
}

/**
 * Splits `scenarios` (registry order) into batches: maximal runs of sharable scenarios become lanes, balanced by
 * their estimates (longest first onto the lightest lane); the rest run alone. A run of one sharable scenario runs
 * alone.
 */
export function planBatches(scenarios: readonly Scenario[], options: RunOptions): Batch[] {
  const out: Batch[] = []
  let run: Scenario[] = []
  const flush = () => {
    if (run.length === 1) out.push({ kind: 'alone', scenario: run[0] as Scenario })
    else if (run.length > 1) out.push({ kind: 'lanes', lanes: balance(run, options) })
    run = []
  }
  for (const s of scenarios) {
    if (sharable(s, options)) run.push(s)
    else {
      flush()
      out.push({ kind: 'alone', scenario: s })
    }
  }
  flush()
  return out
}

function balance(run: readonly Scenario[], options: RunOptions): Scenario[][] {
  const count = Math.min(run.length, options.quick ? LANES.quick : LANES.full)
  const lanes = Array.from({ length: count }, () => ({ items: [] as Scenario[], sec: 0 }))
  const order = run.map((s, i) => ({ s, i, sec: s.estimateSec(options) }))
  order.sort((a, b) => b.sec - a.sec || a.i - b.i)
  for (const o of order) {
    const lane = lanes.reduce((a, b) => (b.sec < a.sec ? b : a))
    lane.items.push(o.s)
    lane.sec += o.sec
  }
  // Within a lane, keep the registry order (a later scenario may quote an earlier one).
  const rank = new Map(run.map((s, i) => [s.id, i]))
  return lanes
    .map((l) => l.items.sort((a, b) => (rank.get(a.id) ?? 0) - (rank.get(b.id) ?? 0)))
    .filter((l) => l.length > 0)
}

/** Estimated seconds of one batch. */
export function batchEstimateSec(b: Batch, options: RunOptions): number {
  if (b.kind === 'alone') return b.scenario.estimateSec(options)
  const longest = Math.max(...b.lanes.map((l) => l.reduce((s, x) => s + x.estimateSec(options), 0)))
  return longest * (options.quick ? CONTENTION.quick : CONTENTION.full)
}

/** The sentence the report's context carries when a run used lanes (null when every scenario ran alone). */
export function lanesNote(batches: readonly Batch[], options: RunOptions): string | null {
  const shared = batches.filter((b): b is Extract<Batch, { kind: 'lanes' }> => b.kind === 'lanes')
  if (shared.length === 0) return null
  const lanes = shared.map((b) => b.lanes.map((l) => l.map((s) => s.id).join(' → ')).join(' ‖ ')).join('; ')
  return options.quick
    ? `Smoke run: after overhead, the scenarios ran in two lanes side by side (${lanes}), so their figures include each other's load; a full run keeps every measurement alone.`
    : `Side by side in lanes (${lanes}): these scenarios report outcomes and windows of seconds, not CPU, throughput or millisecond latency, so the other lane's load does not change them; every other scenario ran alone. \`--serial\` runs everything alone.`
}
