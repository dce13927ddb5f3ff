/**
 * `pnpm bench --scenario ttl` (claim C8): an ACCESS_TTL sweep — the refresh rate of 10,000 active users run against a
 * real server with its CPU measured, against the exposure window of a stolen access token under REVOCATION=none.
 */
import type { Scenario } from '../../lib/scenario.js'
import { measureTtl, ttlEstimateSec, ttlSizes } from './measure.js'
import { buildTtlResult, CLAIMS } from './report.js'

export const ttlScenario: Scenario = {
  id: 'ttl',
  title: 'Access-token TTL trade-off (C8)',
  claims: CLAIMS,
  estimateSec: (options) => ttlEstimateSec(ttlSizes(options)),
  async run(ctx) {
    const sizes = ttlSizes(ctx.options)
    const m = await measureTtl(sizes, {
      serverCpu: ctx.pinning.serverCpu,
      progress: (line) => ctx.progress.update(line),
    })
    return buildTtlResult(m, sizes, ctx.options.quick)
  },
}
