/**
 * `pnpm bench --scenario overhead` (claims C1, C4, C10, C12, decomposition): CPU and throughput per request of
 * every variant's GET /me against its own GET /public, and against a floor server with no auth library.
 */
import { rmSync } from 'node:fs'
import { dirname } from 'node:path'
import { LoadGenerator } from '../../lib/load.js'
import { stopAll } from '../../lib/processes.js'
import type { Scenario } from '../../lib/scenario.js'
import { estimateSeconds, measureRounds, overheadSettings } from './measure.js'
import { buildOverheadResult, CLAIMS } from './report.js'
import { type Group, selectGroups, setupGroups } from './variants.js'

export const overheadScenario: Scenario = {
  id: 'overhead',
  title: 'Per-request auth overhead',
  claims: CLAIMS,
  estimateSec: (o) => estimateSeconds(selectGroups(o.variants), overheadSettings(o)) + 10,
  async run(ctx) {
    const settings = overheadSettings(ctx.options)
    const specs = selectGroups(ctx.options.variants)
    let groups: Group[] = []
    const gen = await LoadGenerator.start({ cpu: ctx.pinning.loadCpu })
    try {
      ctx.progress.update(`starting ${specs.length} servers, logging in ${settings.connections} users each`)
      const setup = await setupGroups(specs, settings.connections, ctx.pinning.serverCpu, (l) =>
        ctx.progress.log(l),
      )
      groups = setup.groups
      const samples = await measureRounds(groups, gen, settings, ctx.progress)
      return buildOverheadResult(samples, groups, settings, ctx.pinning, setup.invalid)
    } finally {
      await gen.close()
      await stopAll(groups.map((g) => g.server))
      for (const g of groups) rmSync(dirname(g.server.dbPath), { recursive: true, force: true })
    }
  },
}
