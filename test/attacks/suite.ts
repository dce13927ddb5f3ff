import { afterAll, beforeAll, describe, it } from 'vitest'
import type { AppName } from '../helpers/index.js'
import { type AttackCase, createCaseContext, type Profile, runCase } from './cases/index.js'

/**
 * Registers one vitest test per (case, app) for the real apps, all sharing one set of servers per file: the ones
 * in `warm` (default: the main server of each app the cases use) start in beforeAll, other profiles on first use;
 * all are stopped after the file. `concurrent` runs the cases side by side (for cases that mostly sleep on timers).
 */
export function caseSuite(
  title: string,
  cases: readonly AttackCase[],
  opts: { concurrent?: boolean; warm?: [AppName, Profile][] } = {},
): void {
  const ctx = createCaseContext()
  ctx.sideBySide = opts.concurrent === true
  const apps = [...new Set(cases.flatMap((c) => c.apps.filter((a): a is AppName => a !== 'naive')))]
  const warm = opts.warm ?? apps.map((app): [AppName, Profile] => [app, 'main'])
  beforeAll(async () => {
    await Promise.all(warm.map(([app, profile]) => ctx.server(app, profile)))
  }, 60_000)
  afterAll(() => ctx.close(), 30_000)
  const run = opts.concurrent ? describe.concurrent : describe
  run(title, () => {
    for (const c of cases) {
      for (const app of c.apps) {
        if (app === 'naive') continue // the naive verifier lives in bench/ and is exercised there
        it(
          `${c.id} ${c.title} [${app}]`,
          async ({ expect }) => {
            const result = await runCase(ctx, c, app)
            expect(result.failures, `${c.id} [${app}] observed: ${result.observed}`).toEqual([])
          },
          c.slow ? 90_000 : 45_000,
        )
      }
    }
  })
}

export function byId(cases: readonly AttackCase[], ...ids: string[]): AttackCase[] {
  return cases.filter((c) => ids.includes(c.id))
}

export function without(cases: readonly AttackCase[], ...ids: string[]): AttackCase[] {
  return cases.filter((c) => !ids.includes(c.id))
}
