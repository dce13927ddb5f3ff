/**
 * `pnpm bench --scenario overhead` (claims C1, C4, C10, C12, decomposition): first the in-process cost layer (every
 * variant's app through `app.fetch`, one pinned worker each: what the verdicts and the decomposition use), then the
 * HTTP layer (saturation throughput and server CPU against each server's own GET /public, then open-loop latency).
 */
import { join } from 'node:path'
import { GuardBudget } from '../../lib/noise.js'
import type { Scenario } from '../../lib/scenario.js'
import {
  inprocessEstimateSec,
  inprocessGroups,
  inprocessSettings,
  measureInprocess,
} from './inprocess/measure.js'
import { estimateSeconds, measureOverhead, overheadSettings } from './measure.js'
import { startOverheadRedis, withRedis } from './redis-run.js'
import { buildOverheadResult, CLAIMS } from './report.js'
import { selectGroups } from './variants.js'

export const overheadScenario: Scenario = {
  id: 'overhead',
  title: 'Per-request auth overhead',
  claims: CLAIMS,
  estimateSec: (o) =>
    estimateSeconds(selectGroups(o.variants), overheadSettings(o)) +
    inprocessEstimateSec(inprocessGroups(o.variants), inprocessSettings(o)) +
    10,
  async run(ctx) {
    const selected = inprocessGroups(ctx.options.variants)
    const cpuProf = ctx.options.cpuProf
      ? { variant: ctx.options.cpuProf, file: join(ctx.outDir, `cpu-${ctx.options.cpuProf}.cpuprofile`) }
      : undefined
    // One redis-server for the whole run (both layers), beside the load generator, off the server core.
    const redis = await startOverheadRedis(selected, ctx.pinning.loadCpu, ctx.progress)
    try {
      const specs = withRedis(selected, redis?.url ?? null, 'inproc')
      // Both layers' rounds count towards one guard: once it has failed, neither layer re-runs any more.
      const inSettings = inprocessSettings(ctx.options)
      const guard = new GuardBudget(
        selected.length * inSettings.rounds +
          selectGroups(ctx.options.variants).length * overheadSettings(ctx.options).rounds,
      )
      const inproc = await measureInprocess(specs, inSettings, ctx.pinning.serverCpu, ctx.progress, {
        cpuProf,
        guard,
      })
      const http = await measureOverhead(ctx, redis, guard)
      return buildOverheadResult({
        ...http,
        inproc,
        inprocSpecs: specs,
        pinning: ctx.pinning,
        quick: ctx.options.quick,
      })
    } finally {
      await redis?.stop()
    }
  },
}
