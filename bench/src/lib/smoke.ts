import type { Verdict } from '../report/schema.js'

/**
 * A `--quick` run is a smoke run: it shows the figures but decides nothing, because its sizes are too small to
 * carry a verdict. The verdicts keep their text (what the numbers were) and lose their status (no ✔/✘).
 */
export function smokeVerdicts(verdicts: readonly Verdict[], quick: boolean): Verdict[] {
  if (!quick) return [...verdicts]
  return verdicts.map(({ status: _status, ...v }) => ({
    ...v,
    status: 'inconclusive',
    text: `smoke run (--quick): no verdict. ${v.text}`,
  }))
}
