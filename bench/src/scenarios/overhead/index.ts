/**
 * `pnpm bench --scenario overhead` (claims C1, C4, C10, C12, decomposition): CPU and throughput per request of
 * every variant's GET /me against its own GET /public, and against a floor server with no auth library.
 */
import type { Scenario } from '../../lib/scenario.js'
import { estimateSeconds, measureOverhead, overheadSettings } from './measure.js'
import { buildOverheadResult, CLAIMS } from './report.js'
import { selectGroups } from './variants.js'

export const overheadScenario: Scenario = {
  id: 'overhead',
  title: 'Per-request auth overhead',
  claims: CLAIMS,
  estimateSec: (o) => estimateSeconds(selectGroups(o.variants), overheadSettings(o)) + 10,
  async run(ctx) {
    const { samples, groups, settings, invalid, cacheStats } = await measureOverhead(ctx)
    return buildOverheadResult(samples, groups, settings, ctx.pinning, invalid, cacheStats)
  },
}
