/**
 * `pnpm bench --scenario reuse` (claim C7): attacker and victim race one refresh token under strict rotation and
 * REFRESH_GRACE windows; how many access tokens the attacker gets, when the family dies, whether the victim pays.
 */
import type { Scenario } from '../../lib/scenario.js'
import { measureReuse, reuseEstimateSec, reuseSizes } from './measure.js'
import { buildReuseResult, CLAIMS } from './report.js'

export const reuseScenario: Scenario = {
  id: 'reuse',
  sideBySide: true,
  title: 'Refresh-token reuse race (C7)',
  claims: CLAIMS,
  estimateSec: (options) => reuseEstimateSec(reuseSizes(options)),
  async run(ctx) {
    const sizes = reuseSizes(ctx.options)
    // Not pinned: this measures who gets a token, not CPU.
    const rows = await measureReuse(sizes, (line) => ctx.progress.update(line))
    return buildReuseResult(rows, sizes, ctx.options.quick)
  },
}
