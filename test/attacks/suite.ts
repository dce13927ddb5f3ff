import { type AppName, connectRedis, fileRedis, stopFileRedis } from '@auth-lab/test'
import { afterAll, beforeAll, describe, it } from 'vitest'
import {
  type AttackCase,
  createCaseContext,
  dumpRedis,
  onStore,
  PACES,
  type Pace,
  type Profile,
  runCase,
  type StoreKind,
  targetsOf,
  withPace,
} from './cases/index.js'

/**
 * Registers one vitest test per (case, app) for the cases of one pace, all sharing one set of servers per store
 * and file: the ones in `warm` (default: the main server of each app the cases use) start before the store's
 * cases, other profiles on first use; all are stopped after them. The pace decides the timeout and whether the
 * cases run side by side (PACES, the same table the bench scenario schedules by). The naive verifier lives in
 * bench/ and runs there only.
 *
 * Cases that list `redis` in `stores` run a second time with every server on the file's one redis-server (each
 * under its own REDIS_PREFIX); after them, every key the servers left must have a TTL (issue 12).
 */
export function caseSuite(
  title: string,
  pace: Pace,
  all: readonly AttackCase[],
  opts: { warm?: [AppName, Profile][] } = {},
): void {
  const cases = withPace(all, pace)
  storeSuite(title, pace, onStore(cases, 'sqlite'), 'sqlite', opts.warm)
  const onRedis = onStore(cases, 'redis')
  if (onRedis.length === 0) return
  storeSuite(`${title} — on Redis`, pace, onRedis, 'redis', opts.warm)
  afterAll(() => stopFileRedis(), 30_000)
}

function storeSuite(
  title: string,
  pace: Pace,
  cases: readonly AttackCase[],
  store: StoreKind,
  warmList: [AppName, Profile][] | undefined,
): void {
  if (cases.length === 0) return
  const { sideBySide, timeoutMs } = PACES[pace]
  const ctx = createCaseContext({ store })
  ctx.sideBySide = sideBySide
  const apps = [...new Set(cases.flatMap((c) => targetsOf(c) as AppName[]))]
  const warm = (warmList ?? apps.map((app): [AppName, Profile] => [app, 'main'])).filter(([app]) =>
    apps.includes(app),
  )
  const label = store === 'sqlite' ? '' : ` · ${store}`
  describe(title, () => {
    beforeAll(async () => {
      // One after another: five servers booting at once on a loaded 2-core box can miss startApp's 30 s limit.
      for (const [app, profile] of warm) await ctx.server(app, profile)
    }, 120_000)
    afterAll(() => ctx.close(), 30_000)
    const run = sideBySide ? describe.concurrent : describe
    run('cases', () => {
      for (const c of cases) {
        for (const app of targetsOf(c)) {
          it(
            `${c.id} ${c.title} [${app}${label}]`,
            async ({ expect }) => {
              const result = await runCase(ctx, c, app)
              expect(result.failures, `${c.id} [${app}${label}] observed: ${result.observed}`).toEqual([])
            },
            timeoutMs,
          )
        }
      }
    })
    if (store === 'redis') {
      // After the cases (tests of a file run in order): logins, failures, rotations, reuse, logouts and
      // revocations have all written keys by now. Better Auth #4034 / #10992: keys without a TTL live forever.
      it('every key the servers left in Redis has a TTL (SCAN + PTTL ≠ −1)', async ({ expect }) => {
        const redis = await connectRedis((await fileRedis()).url)
        try {
          const entries = await dumpRedis(redis, '')
          expect(entries.length, 'no keys at all: the check would be vacuous').toBeGreaterThan(0)
          expect(entries.filter((e) => e.pttl === -1).map((e) => e.name)).toEqual([])
        } finally {
          await redis.close()
        }
      })
    }
  })
}
