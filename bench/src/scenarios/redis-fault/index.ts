/**
 * `pnpm bench --scenario redis-fault` (issue 12 item 6): Redis SIGKILLed for a few seconds under load, restarted
 * with its AOF; 503s while down, time to recover, sessions lost.
 */
import { LoadGenerator } from '../../lib/load.js'
import type { Scenario } from '../../lib/scenario.js'
import { faultEstimateSec, faultSizes, measureRedisFault } from './measure.js'
import { buildFaultResult, CLAIMS } from './report.js'

export const redisFaultScenario: Scenario = {
  id: 'redis-fault',
  title: 'Redis outage mid-load (issue 12)',
  claims: CLAIMS,
  estimateSec: (o) => faultEstimateSec(faultSizes(o)),
  async run(ctx) {
    const sizes = faultSizes(ctx.options)
    // Not pinned: the instance, redis-server and the load generator share the machine's cores.
    const gen = await LoadGenerator.start({ cpu: null })
    try {
      const runs = await measureRedisFault(sizes, gen, (line) => ctx.progress.update(line))
      return buildFaultResult(runs, sizes, ctx.options.quick)
    } finally {
      await gen.close()
    }
  },
}
