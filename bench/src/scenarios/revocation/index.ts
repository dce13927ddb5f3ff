/**
 * `pnpm bench --scenario revocation` (claims C5, C6): how long an old credential keeps working after logout,
 * logout-all and a password change, for sessions and for JWTs with REVOCATION=none, denylist and version.
 */
import type { Scenario } from '../../lib/scenario.js'
import {
  measureCrossInstance,
  propagationChart,
  propagationEstimateSec,
  propagationSizes,
  propagationTable,
} from './cross-instance.js'
import { measureRevocation, revocationEstimateSec, revocationSizes } from './measure.js'
import { buildRevocationResult, CLAIMS } from './report.js'

const PROPAGATION_METHOD = `**Cross-instance on Redis** (issue 12): two stateful instances A and B on one bench-owned redis-server and one users DB, \`stateful-redis\` (every request reads Redis) and \`stateful-redis-cached\` (RESP3 client-side cache, invalidated by Redis push). Per trial: log in on A, GET /me on B (fills B's cache), log out on A, then GET /me on B back to back until refused (at most 2 s). Delay = send time of B's first refusal − when A's logout answered.`

export const revocationScenario: Scenario = {
  id: 'revocation',
  title: 'Revocation window (C5, C6)',
  claims: CLAIMS,
  estimateSec: (options) =>
    revocationEstimateSec(revocationSizes(options)) +
    propagationEstimateSec(propagationSizes(options.quick).trials),
  async run(ctx) {
    const sizes = revocationSizes(ctx.options)
    const rows = await measureRevocation({ ...sizes, progress: (line) => ctx.progress.update(line) })
    // Issue 12 item 4: cross-instance revocation on Redis, with and without the client cache.
    const propagation = await measureCrossInstance({
      ...propagationSizes(ctx.options.quick),
      progress: (line) => ctx.progress.update(line),
    })
    // Overhead runs first in a full run: its per-request cost of each mode goes next to the window.
    const result = buildRevocationResult(rows, sizes, ctx.previous)
    return {
      ...result,
      method: `${result.method}\n\n${PROPAGATION_METHOD}`,
      tables: [...result.tables, propagationTable(propagation)],
      charts: [...result.charts, propagationChart(propagation)],
      raw: { ...(result.raw as object), crossInstance: propagation },
    }
  },
}
