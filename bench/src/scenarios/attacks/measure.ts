/**
 * Runs the attack catalogue (@auth-lab/attacks, the same case definitions the vitest suite runs) against freshly
 * started servers, phase by phase as the cases' pace says: `fast` cases one after another, `timer` cases side by
 * side, the `timing` case alone at the end. Every verifier (JWT) case also runs against the naive verifier.
 */
import {
  ALL_CASES,
  type AttackCase,
  type CaseResult,
  createCaseContext,
  runCase,
  schedule,
  type Target,
} from '@auth-lab/attacks'
import { useServerLauncher } from '@auth-lab/test'
import { nodeArgsFor } from '../../lib/bundle.js'
import { startNaiveVerifier } from '../../naive-verifier/naive-verifier.js'

/** About 55 s on a 2-core machine (58 s measured at load average ~2, 74 s at ~5), whatever the options: the cases' timers do not scale. */
export const ATTACKS_ESTIMATE_SEC = 55

export async function measureAttacks(
  progress: { update(label: string): void; log(line: string): void },
  cases: readonly AttackCase[] = ALL_CASES,
): Promise<CaseResult[]> {
  // The catalogue's servers start from the harness's bundle (bundle.ts): same code, a third of tsx's start-up CPU.
  useServerLauncher(nodeArgsFor)
  const ctx = createCaseContext({
    naive: (config) => startNaiveVerifier(config),
    onStart: (app, profile) => progress.log(`attacks: started ${app} (${profile})`),
  })
  const phases = schedule(cases, { naive: true })
  const total = phases.reduce((n, p) => n + p.jobs.length, 0)
  const results: CaseResult[] = []
  let done = 0
  const one = async (c: AttackCase, target: Target, label: string) => {
    const r = await runCase(ctx, c, target)
    progress.update(`${label} (${++done}/${total})`)
    return r
  }
  try {
    for (const phase of phases) {
      ctx.sideBySide = phase.sideBySide
      if (phase.sideBySide) {
        progress.update(`${phase.pace} cases (${phase.jobs.length}) side by side`)
        results.push(
          ...(await Promise.all(phase.jobs.map((j) => one(j.c, j.target, `${j.c.id} ${j.target}`)))),
        )
      } else {
        for (const j of phase.jobs) results.push(await one(j.c, j.target, `${j.c.id} ${j.target}`))
      }
    }
  } finally {
    await ctx.close()
  }
  return results.sort((a, b) => a.id.localeCompare(b.id) || a.app.localeCompare(b.app))
}
