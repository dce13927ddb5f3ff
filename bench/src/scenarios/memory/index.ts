/**
 * `pnpm bench --scenario memory` (claim C13): server memory per active session, the stateful memory store against
 * the stateless app after the same number of real logins.
 */
import type { Scenario } from '../../lib/scenario.js'
import { measureMemory, memoryEstimateSec, memorySizes } from './measure.js'
import { buildMemoryResult, CLAIMS } from './report.js'

export const memoryScenario: Scenario = {
  id: 'memory',
  title: 'Memory per session (C13)',
  claims: CLAIMS,
  estimateSec: (options) => memoryEstimateSec(memorySizes(options)),
  async run(ctx) {
    const sizes = memorySizes(ctx.options)
    const points = await measureMemory({
      ...sizes,
      // Not pinned: logins (argon2 on the threadpool) fill faster on both cores, and memory does not depend on it.
      serverCpu: null,
      progress: (line) => ctx.progress.update(line),
    })
    return buildMemoryResult(points, sizes)
  },
}
