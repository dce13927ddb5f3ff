import type { Summary } from '../../lib/stats.js'
import { addedMicros, median, ratio, summarize, validity } from '../../lib/stats.js'
import type { Sample } from './measure.js'

/** Everything the report says about one variant, summarised over rounds (medians with min–max). */
export interface VariantSummary {
  id: string
  group: string
  label: string
  description: string
  family: 'stateful' | 'stateless' | 'floor'
  valid: boolean
  reason?: string
  rounds: number
  rps: Summary | null
  baselineRps: Summary | null
  /** rps ÷ the same server's /public rps in the same round. */
  ratio: Summary | null
  /** Per round: 1e6/rps − 1e6/baseline rps. */
  addedUs: Summary | null
  cpuUs: Summary | null
  baselineCpuUs: Summary | null
  /** Per round: CPU µs/req of the target − of the baseline. */
  cpuAddedUs: Summary | null
  p50: Summary | null
  p97_5: Summary | null
  p99: Summary | null
  readsPerReq: number | null
  writesPerReq: number | null
  credentialBytes: number
  non2xx: number
  errors: number
  /** Ratio per round, for the stability table. */
  ratioByRound: (number | null)[]
  /** CPU added µs/req per round (null for a missing round or an invalid variant): what the verdicts compare. */
  cpuAddedByRound: (number | null)[]
}

export interface TargetInfo {
  id: string
  group: string
  label: string
  description: string
}

function family(group: string): VariantSummary['family'] {
  return group === 'floor' ? 'floor' : group.startsWith('stateful') ? 'stateful' : 'stateless'
}

/**
 * Pairs every target run with its server's baseline run of the same round and summarises. A variant with any bad
 * run — its own or its baseline's — is invalid: its numbers are left out (null), never averaged in.
 */
export function summarizeVariants(
  samples: Sample[],
  targets: TargetInfo[],
  rounds: number,
): VariantSummary[] {
  return targets.map((t) => {
    const own = samples.filter((s) => s.target === t.id)
    const base = samples.filter((s) => s.target === `${t.group}:public`)
    const pairs = own
      .map((s) => ({ s, b: base.find((b) => b.round === s.round) }))
      .filter((p): p is { s: Sample; b: Sample } => p.b !== undefined)
    const check = validity([
      ...own.map((s) => ({ ...s, label: `GET ${s.path}` })),
      ...base.map((b) => ({ ...b, label: 'GET /public (baseline)' })),
    ])
    const perRound = (f: (p: { s: Sample; b: Sample }) => number) =>
      Array.from({ length: rounds }, (_, i) => {
        const p = pairs.find((x) => x.s.round === i + 1)
        return p && check.valid ? f(p) : null
      })
    const byRound = perRound((p) => ratio(p.s.rps, p.b.rps))
    const cpuAddedByRound = perRound((p) => p.s.cpuUsPerReq - p.b.cpuUsPerReq)
    const common = {
      id: t.id,
      group: t.group,
      label: t.label,
      description: t.description,
      family: family(t.group),
      rounds: pairs.length,
      credentialBytes: own[0]?.credentialBytes ?? 0,
      non2xx: own.reduce((n, s) => n + s.non2xx, 0) + base.reduce((n, s) => n + s.non2xx, 0),
      // autocannon's `errors` already counts its timeouts (load-types.ts): added once (review E6).
      errors: own.reduce((n, s) => n + s.errors, 0) + base.reduce((n, s) => n + s.errors, 0),
      ratioByRound: byRound,
      cpuAddedByRound,
    }
    if (!check.valid || pairs.length === 0) {
      return {
        ...common,
        valid: false,
        reason: check.valid ? 'no measured round' : check.reason,
        rps: null,
        baselineRps: null,
        ratio: null,
        addedUs: null,
        cpuUs: null,
        baselineCpuUs: null,
        cpuAddedUs: null,
        p50: null,
        p97_5: null,
        p99: null,
        readsPerReq: null,
        writesPerReq: null,
      }
    }
    return {
      ...common,
      valid: true,
      rps: summarize(pairs.map((p) => p.s.rps)),
      baselineRps: summarize(pairs.map((p) => p.b.rps)),
      ratio: summarize(pairs.map((p) => ratio(p.s.rps, p.b.rps))),
      addedUs: summarize(pairs.map((p) => addedMicros(p.s.rps, p.b.rps))),
      cpuUs: summarize(pairs.map((p) => p.s.cpuUsPerReq)),
      baselineCpuUs: summarize(pairs.map((p) => p.b.cpuUsPerReq)),
      cpuAddedUs: summarize(pairs.map((p) => p.s.cpuUsPerReq - p.b.cpuUsPerReq)),
      p50: summarize(pairs.map((p) => p.s.latencyMs.p50)),
      p97_5: summarize(pairs.map((p) => p.s.latencyMs.p97_5)),
      p99: summarize(pairs.map((p) => p.s.latencyMs.p99)),
      readsPerReq: median(pairs.map((p) => p.s.readsPerReq)),
      writesPerReq: median(pairs.map((p) => p.s.writesPerReq)),
    }
  })
}
