/**
 * `pnpm bench --scenario size` (claim C9): padded JWT claims (~0.3 to ~8 KB) against session data padded by the same
 * bytes — req/s, CPU per request, bytes on the wire — and where the 4 KB cookie and 16 KB header limits bite.
 */
import { LoadGenerator } from '../../lib/load.js'
import type { Scenario } from '../../lib/scenario.js'
import { measureSize, sizeEstimateSec, sizeSizes } from './measure.js'
import { buildSizeResult, CLAIMS } from './report.js'

export const sizeScenario: Scenario = {
  id: 'size',
  title: 'Token and session size (C9)',
  claims: CLAIMS,
  estimateSec: (options) => sizeEstimateSec(sizeSizes(options)),
  async run(ctx) {
    const sizes = sizeSizes(ctx.options)
    const gen = await LoadGenerator.start({ cpu: ctx.pinning.loadCpu })
    try {
      const progress = (line: string) => ctx.progress.update(line)
      const m = await measureSize(sizes, gen, { serverCpu: ctx.pinning.serverCpu, progress })
      return buildSizeResult(m, sizes, ctx.options.quick)
    } finally {
      await gen.close()
    }
  },
}
