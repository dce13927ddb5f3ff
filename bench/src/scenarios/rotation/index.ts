/**
 * `pnpm bench --scenario rotation`: `keys rotate` under load for RS256/ES256/EdDSA — no failed request, old tokens
 * valid until their exp, and the time until a JWKS-consuming verifier (a second process) accepts the new key.
 */
import type { Scenario } from '../../lib/scenario.js'
import { measureRotation, rotationEstimateSec, rotationSizes } from './measure.js'
import { buildRotationResult, CLAIMS } from './report.js'

export const rotationScenario: Scenario = {
  id: 'rotation',
  sideBySide: true,
  title: 'Key rotation under load',
  claims: CLAIMS,
  estimateSec: (options) => rotationEstimateSec(rotationSizes(options)),
  async run(ctx) {
    const sizes = rotationSizes(ctx.options)
    // Not pinned: three servers, their loads and verifiers share the cores; this measures errors and delays.
    const rows = await measureRotation(sizes, (line) => ctx.progress.update(line))
    return buildRotationResult(rows, sizes, ctx.options.quick)
  },
}
