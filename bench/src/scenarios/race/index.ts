/**
 * `pnpm bench --scenario race`: the multi-tab refresh race (issue 13) in real browser tabs: logouts out of
 * N = 5 tabs × 20 trials (5 with --quick, --rounds to choose) for strict rotation, Web Locks, a grace window, both.
 * Needs the system Chromium; without it the scenario reports "chromium not installed" as an invalid entry.
 */
import type { Scenario } from '../../lib/scenario.js'
import { chromiumAvailable, measureRace, raceEstimateSec, raceSizes } from './measure.js'
import { buildRaceResult, CLAIMS, raceSkipped } from './report.js'

export const raceScenario: Scenario = {
  id: 'race',
  sideBySide: true,
  title: 'The multi-tab refresh race (real browser tabs)',
  claims: CLAIMS,
  estimateSec: (options) => raceEstimateSec(raceSizes(options)),
  async run(ctx) {
    const sizes = raceSizes(ctx.options)
    if (!chromiumAvailable())
      return raceSkipped(sizes, 'chromium not installed (apt-get install -y chromium, or set CHROMIUM_PATH)')
    return buildRaceResult(await measureRace(sizes, (line) => ctx.progress.update(line)), sizes)
  },
}
