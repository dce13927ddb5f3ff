/**
 * Per-variant summaries of the in-process layer: ns per request, its CI, and the cost added over /public.
 *
 * The figure is the **median** request of each round, not the mean: on this VM the mean of a 300 ms window moves
 * ±15 % between identical windows (a major GC or a SQLite WAL checkpoint lands in one window and not the next),
 * while the median repeats within ~3 % (measured: stateful-sqlite GET /me, ten identical windows, mean 76–112 µs,
 * median 66.6–69.9 µs). The mean, which carries those pauses, is reported beside it (`meanNs`).
 *
 * The added cost is normalised to the worker's own speed: per round, (path ÷ /public − 1) × the median /public of
 * all rounds. Both halves of a round run seconds apart on the same worker, so a host that runs the whole VM slower
 * for minutes (it does here: /public went from 17 to 29 µs within ten minutes) moves the ratio far less than the
 * difference; a change of speed inside a round is what the noise guard's calibration check flags.
 */
import type { Summary } from '../../../lib/stats.js'
import { median, summarize } from '../../../lib/stats.js'
import type { InvalidEntry } from '../../../report/schema.js'
import type { GroupSpec } from '../variants.js'
import { publicId } from './build.js'
import type { InprocSample } from './measure.js'

export interface InprocVariant {
  id: string
  group: string
  family: 'stateful' | 'stateless' | 'floor'
  valid: boolean
  reason?: string
  rounds: number
  /** Wall ns per GET of the variant's path: per-round medians summarised over rounds. */
  nsPerReq: Summary | null
  /** The same with per-round means (GC and checkpoint pauses included). */
  meanNs: Summary | null
  /** Median over rounds of the half-width of each round's 95 % CI of the mean (tinybench, Student's t). */
  moeNs: number | null
  /** The same worker's GET /public. */
  publicNs: Summary | null
  /**
   * Per round: (path ÷ /public of the same visit − 1) × median /public over rounds, from per-round medians; what
   * verdicts and decomposition use.
   */
  addedNs: Summary | null
  addedByRound: (number | null)[]
  /** process CPU ns per request (all threads), and added over /public. */
  cpuNs: Summary | null
  cpuAddedNs: Summary | null
  requests: number
}

const family = (group: string): InprocVariant['family'] =>
  group === 'floor' ? 'floor' : group.startsWith('stateful') ? 'stateful' : 'stateless'

export function summarizeInprocess(
  samples: readonly InprocSample[],
  specs: readonly GroupSpec[],
  rounds: number,
  invalid: readonly InvalidEntry[],
): InprocVariant[] {
  return specs.flatMap((g) =>
    g.targets.map((t): InprocVariant => {
      const own = samples.filter((s) => s.target === t.id)
      const base = samples.filter((s) => s.target === publicId(g.id))
      const bad = [...own, ...base].filter((s) => s.bad > 0 || s.n === 0)
      const setup = invalid.find((i) => i.variant === t.id)
      const pairs = own
        .map((s) => ({ s, b: base.find((b) => b.round === s.round) }))
        .filter((p): p is { s: InprocSample; b: InprocSample } => p.b !== undefined)
      const reason =
        setup?.reason ??
        (bad.length > 0
          ? `non-200 answers in-process: ${bad
              .slice(0, 2)
              .map((s) => `round ${s.round} ${s.target} ${JSON.stringify(s.statuses)}`)
              .join('; ')}`
          : pairs.length === 0
            ? 'no measured round'
            : undefined)
      const common = {
        id: t.id,
        group: g.id,
        family: family(g.id),
        rounds: pairs.length,
        requests: own.reduce((n, s) => n + s.n, 0),
      }
      if (reason) {
        return {
          ...common,
          valid: false,
          reason,
          nsPerReq: null,
          meanNs: null,
          moeNs: null,
          publicNs: null,
          addedNs: null,
          addedByRound: Array.from({ length: rounds }, () => null),
          cpuNs: null,
          cpuAddedNs: null,
        }
      }
      const publicRef = median(pairs.map((p) => p.b.p50Ns))
      const added = (p: { s: InprocSample; b: InprocSample }) => (p.s.p50Ns / p.b.p50Ns - 1) * publicRef
      return {
        ...common,
        valid: true,
        nsPerReq: summarize(pairs.map((p) => p.s.p50Ns)),
        meanNs: summarize(pairs.map((p) => p.s.meanNs)),
        moeNs: median(pairs.map((p) => p.s.moeNs)),
        publicNs: summarize(pairs.map((p) => p.b.p50Ns)),
        addedNs: summarize(pairs.map(added)),
        addedByRound: Array.from({ length: rounds }, (_, i) => {
          const p = pairs.find((x) => x.s.round === i + 1)
          return p ? added(p) : null
        }),
        cpuNs: summarize(pairs.map((p) => p.s.cpuNsPerReq)),
        cpuAddedNs: summarize(pairs.map((p) => p.s.cpuNsPerReq - p.b.cpuNsPerReq)),
      }
    }),
  )
}
