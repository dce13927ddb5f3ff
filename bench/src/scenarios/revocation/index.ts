/**
 * `pnpm bench --scenario revocation` (claims C5, C6): how long an old credential keeps working after logout,
 * logout-all and a password change, for sessions and for JWTs with REVOCATION=none, denylist and version.
 */
import type { Scenario } from '../../lib/scenario.js'
import { measureRevocation, revocationEstimateSec, revocationSizes } from './measure.js'
import { buildRevocationResult, CLAIMS } from './report.js'

export const revocationScenario: Scenario = {
  id: 'revocation',
  title: 'Revocation window (C5, C6)',
  claims: CLAIMS,
  estimateSec: (options) => revocationEstimateSec(revocationSizes(options)),
  async run(ctx) {
    const sizes = revocationSizes(ctx.options)
    const rows = await measureRevocation({ ...sizes, progress: (line) => ctx.progress.update(line) })
    // Overhead runs first in a full run: its per-request cost of each mode goes next to the window.
    return buildRevocationResult(rows, sizes, ctx.previous)
  },
}
