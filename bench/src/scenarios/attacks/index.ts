/**
 * `pnpm bench --scenario attacks` (claim C11 and the security catalogue): the catalogue's cases against both apps,
 * and every JWT case also against a deliberately naive verifier (../../naive-verifier, bench-only), which shows
 * which forged tokens a verifier that trusts `alg` and the token's own key material would accept.
 */
import type { Scenario } from '../../lib/scenario.js'
import { ATTACKS_ESTIMATE_SEC, measureAttacks } from './measure.js'
import { buildAttacksResult, CLAIMS } from './report.js'

export const attacksScenario: Scenario = {
  id: 'attacks',
  sideBySide: true,
  title: 'Attacks: the security catalogue against both apps, and a naive verifier for contrast',
  claims: CLAIMS,
  estimateSec: () => ATTACKS_ESTIMATE_SEC,
  async run(ctx) {
    return buildAttacksResult(await measureAttacks(ctx.progress))
  },
}
