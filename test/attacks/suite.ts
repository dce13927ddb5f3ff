import type { AppName } from '@auth-lab/test'
import { afterAll, beforeAll, describe, it } from 'vitest'
import {
  type AttackCase,
  createCaseContext,
  PACES,
  type Pace,
  type Profile,
  runCase,
  targetsOf,
  withPace,
} from './cases/index.js'

/**
 * Registers one vitest test per (case, app) for the cases of one pace, all sharing one set of servers per file:
 * the ones in `warm` (default: the main server of each app the cases use) start in beforeAll, other profiles on
 * first use; all are stopped after the file. The pace decides the timeout and whether the cases run side by side
 * (PACES, the same table the bench scenario schedules by). The naive verifier lives in bench/ and runs there only.
 */
export function caseSuite(
  title: string,
  pace: Pace,
  all: readonly AttackCase[],
  opts: { warm?: [AppName, Profile][] } = {},
): void {
  const cases = withPace(all, pace)
  const { sideBySide, timeoutMs } = PACES[pace]
  const ctx = createCaseContext()
  ctx.sideBySide = sideBySide
  const apps = [...new Set(cases.flatMap((c) => targetsOf(c) as AppName[]))]
  const warm = opts.warm ?? apps.map((app): [AppName, Profile] => [app, 'main'])
  beforeAll(async () => {
    await Promise.all(warm.map(([app, profile]) => ctx.server(app, profile)))
  }, 60_000)
  afterAll(() => ctx.close(), 30_000)
  const run = sideBySide ? describe.concurrent : describe
  run(title, () => {
    for (const c of cases) {
      for (const app of targetsOf(c)) {
        it(
          `${c.id} ${c.title} [${app}]`,
          async ({ expect }) => {
            const result = await runCase(ctx, c, app)
            expect(result.failures, `${c.id} [${app}] observed: ${result.observed}`).toEqual([])
          },
          timeoutMs,
        )
      }
    }
  })
}
