/**
 * `pnpm bench --scenario lb` (claim C3): N instances behind a loopback balancer (lib/proxy.ts), round-robin and
 * sticky, for the four state configurations; a killed instance under sticky routing; logout on A replayed on B.
 */
import { STATE_CONFIGS } from '../../lib/configs.js'
import { LoadGenerator } from '../../lib/load.js'
import type { Scenario } from '../../lib/scenario.js'
import { lbEstimateSec, lbSizes, measureLoadBalancer, REDIS_LB_CONFIGS } from './measure.js'
import { buildLbResult, CLAIMS } from './report.js'

export const lbScenario: Scenario = {
  id: 'lb',
  title: 'Load balancer: sticky sessions, central store, shared keys (C3)',
  claims: CLAIMS,
  // The Redis rows run one policy, so counting them as full rows overestimates a little.
  estimateSec: (options) => lbEstimateSec(lbSizes(options), STATE_CONFIGS.length, REDIS_LB_CONFIGS.length),
  async run(ctx) {
    const sizes = lbSizes(ctx.options)
    // Not pinned: N instances, the balancer and the load generator share the machine's cores.
    const gen = await LoadGenerator.start({ cpu: null })
    try {
      const progress = (line: string) => ctx.progress.update(line)
      const configs = [...STATE_CONFIGS, ...REDIS_LB_CONFIGS] // issue 12: "3 instances + Redis"
      const r = await measureLoadBalancer({ ...sizes, configs, progress }, gen)
      return buildLbResult(r, sizes)
    } finally {
      await gen.close()
    }
  },
}
