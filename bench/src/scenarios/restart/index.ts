/**
 * `pnpm bench --scenario restart` (claim C2): what a crash or a graceful restart does to logged-in users, for
 * sessions in memory, sessions in SQLite, JWTs with persisted keys and JWTs with per-start (ephemeral) keys.
 * Not pinned: it measures who stays logged in, not CPU, and a pinned server restarts much slower.
 */
import { STATE_CONFIGS } from '../../lib/configs.js'
import { LoadGenerator } from '../../lib/load.js'
import type { Scenario } from '../../lib/scenario.js'
import { measureRestarts, restartEstimateSec, restartSizes, SIGNALS } from './measure.js'
import { buildRestartResult, CLAIMS } from './report.js'

export const restartScenario: Scenario = {
  id: 'restart',
  title: 'Restart: who stays logged in (C2)',
  claims: CLAIMS,
  estimateSec: (options) => restartEstimateSec(restartSizes(options), STATE_CONFIGS.length),
  async run(ctx) {
    const sizes = restartSizes(ctx.options)
    const gen = await LoadGenerator.start({ cpu: null })
    try {
      const progress = (line: string) => ctx.progress.update(line)
      const opts = { configs: STATE_CONFIGS, signals: SIGNALS, ...sizes, progress }
      const rows = await measureRestarts(opts, gen)
      return buildRestartResult(rows, sizes)
    } finally {
      await gen.close()
    }
  },
}
