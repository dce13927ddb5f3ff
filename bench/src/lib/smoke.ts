import type { Verdict } from '../report/schema.js'

/**
 * A `--quick` run is a smoke run: it shows the figures but decides nothing, because its sizes are too small to
 * carry a verdict. The verdicts keep their text (what the numbers were) and lose their status (no ✔/✘), and say so.
 * (A global version of this rule is being made elsewhere; when it lands, this helper can defer to it.)
 */
export function smokeVerdicts(verdicts: readonly Verdict[], quick: boolean): Verdict[] {
  if (!quick) return [...verdicts]
  return verdicts.map(({ status: _decided, ...v }) => ({
    ...v,
    text: `smoke run: no verdict (--quick sizes). ${v.text}`,
  }))
}
