/**
 * The open-loop latency pass of the HTTP layer: after the saturation rounds, each auth path (and the floor server's
 * /public, the one baseline: the others run the same framework code) once more at a fixed offered rate = LATENCY_SHARE × its own median saturation throughput, timed per
 * request in µs from its scheduled send time (lib/open-loop.ts). Reported: p50 / p99 / p99.9 in µs.
 */
import type { LoadGenerator } from '../../lib/load.js'
import type { OpenLoopResult } from '../../lib/open-loop.js'
import type { Progress } from '../../lib/progress.js'
import { median } from '../../lib/stats.js'
import type { Sample } from './measure.js'
import type { Group } from './variants.js'

/** Offered rate as a share of the path's measured capacity: loaded enough to queue sometimes, never saturated. */
export const LATENCY_SHARE = 0.5

export interface LatencyRow extends OpenLoopResult {
  target: string
  group: string
  path: string
}

export async function measureLatency(
  groups: readonly Group[],
  samples: readonly Sample[],
  gen: LoadGenerator,
  opts: { durationSec: number; connections: number },
  progress: Progress,
): Promise<LatencyRow[]> {
  const rows: LatencyRow[] = []
  for (const g of groups) {
    if (!g.server.running) continue
    for (const t of g.spec.kind === 'floor' ? [g.baseline, ...g.targets] : g.targets) {
      const rps = samples.filter((s) => s.target === t.id && s.rps > 0).map((s) => s.rps)
      if (rps.length === 0) continue
      const rate = Math.max(10, Math.round(median(rps) * LATENCY_SHARE))
      progress.update(`latency · ${g.spec.id} · GET ${t.path} at ${rate} req/s`)
      try {
        const r = await gen.openLoop({
          url: `${g.server.url}${t.path}`,
          rate,
          durationSec: opts.durationSec,
          connections: opts.connections,
          credentials: t.credentials.length > 0 ? t.credentials : undefined,
        })
        rows.push({ ...r, target: t.id, group: g.spec.id, path: t.path })
      } catch (err) {
        progress.log(`latency ${t.id}: ${err instanceof Error ? err.message : String(err)}`)
      }
    }
  }
  return rows
}
