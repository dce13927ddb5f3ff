import { type AttackCase, type CaseContext, type CaseResult, Check, type Target } from './types.js'

/** Runs one case against one target; an exception is a failed case with the error as what was observed. */
export async function runCase(ctx: CaseContext, c: AttackCase, target: Target): Promise<CaseResult> {
  const check = new Check()
  const started = performance.now()
  try {
    if (c.verifier) await c.run(ctx, target, check)
    else if (target === 'naive') throw new Error(`${c.id} is not a verifier case: it has no naive target`)
    else await c.run(ctx, target, check)
  } catch (err) {
    check.failures.push(`threw: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`)
  }
  const pass = check.failures.length === 0
  const observed = pass
    ? check.notes.join('; ')
    : [...check.failures.map((f) => `✗ ${f}`), ...check.notes].join('; ')
  return {
    id: c.id,
    title: c.title,
    group: c.group,
    app: target,
    expected: c.expected,
    observed: observed || (pass ? 'as expected' : 'failed'),
    pass,
    failures: [...check.failures],
    accepted: [...check.accepted],
    ms: Math.round(performance.now() - started),
  }
}
