/**
 * `pnpm bench --scenario storm`: 10,000 users whose access tokens were issued at once — the refresh peak when they
 * expire, with and without ACCESS_TTL_JITTER, and whether the server keeps up (non-2xx, p99).
 */
import type { Scenario } from '../../lib/scenario.js'
import { measureStorm, stormEstimateSec, stormSizes } from './measure.js'
import { buildStormResult, CLAIMS } from './report.js'

export const stormScenario: Scenario = {
  id: 'storm',
  title: 'Refresh storm and expiry jitter',
  claims: CLAIMS,
  estimateSec: (options) => stormEstimateSec(stormSizes(options)),
  async run(ctx) {
    const sizes = stormSizes(ctx.options)
    const progress = (line: string) => ctx.progress.update(line)
    const cases = await measureStorm(sizes, { serverCpu: ctx.pinning.serverCpu, progress })
    return buildStormResult(cases, sizes, ctx.options.quick)
  },
}
