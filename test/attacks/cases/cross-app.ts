import { type AppName, type AppServer, type Cred, refresh, startApp } from '@auth-lab/test'
import { TEST_SECRET } from './profiles.js'
import { BOTH_STORES } from './store-probe.js'
import type { AttackCase, CaseContext, Check } from './types.js'
import { describeRes } from './util.js'

/**
 * F2 (wave-2 review): both apps share one user store, so one account. A password change or "log out everywhere" in
 * EITHER app must end the user's credentials in BOTH: every session, every refresh family, and the access tokens
 * that can be checked (`denylist`, `version`). Under `REVOCATION=none` a stateless access token is self-contained
 * and lives until `exp` — the documented price of that mode, asserted here so a change in either direction shows.
 *
 * The case starts its own servers on ONE database file (and, on Redis, one key prefix): a stateful app and three stateless apps, one per
 * revocation mode. `app` names the app where the user acts.
 */
type Pair = { stateful: AppServer; stateless: Record<'none' | 'denylist' | 'version', AppServer> }

/** On Redis the four servers share one REDIS_PREFIX, as they share one SQLite file: one deployment, one store. */
async function startPair(ctx: CaseContext): Promise<Pair> {
  const store = await ctx.storeEnv()
  const stateful = await startApp({ app: 'stateful', env: { COOKIE_SECURE: '1', ...store }, victims: 4 })
  const on = (mode: string) =>
    startApp({
      app: 'stateless',
      seed: false,
      env: {
        ...store,
        COOKIE_SECURE: '1',
        DB_PATH: stateful.dbPath,
        JWT_ALG: 'HS256',
        JWT_SECRET: TEST_SECRET,
        REVOCATION: mode,
      },
    })
  try {
    const [none, denylist, version] = await Promise.all([on('none'), on('denylist'), on('version')])
    return { stateful, stateless: { none, denylist, version } }
  } catch (err) {
    await stateful.stop()
    throw err
  }
}

async function stopPair(p: Pair): Promise<void> {
  await Promise.all([p.stateful.stop(), ...Object.values(p.stateless).map((s) => s.stop())])
}

async function loginAll(ctx: Parameters<AttackCase['run']>[0], p: Pair, username: string, password: string) {
  const login = async (server: AppServer) => {
    const { res, cred } = await ctx.adapter(server.app).login(server, username, password)
    if (!cred) throw new Error(`login on ${server.app} failed: ${describeRes(res)}`)
    return cred
  }
  return {
    stateful: await login(p.stateful),
    none: await login(p.stateless.none),
    denylist: await login(p.stateless.denylist),
    version: await login(p.stateless.version),
  }
}

/** After the user's credentials were ended elsewhere: what each old credential still does. */
async function expectEnded(
  ctx: Parameters<AttackCase['run']>[0],
  p: Pair,
  old: Awaited<ReturnType<typeof loginAll>>,
  skip: 'stateful' | 'denylist',
  check: Check,
  what: string,
): Promise<void> {
  if (skip !== 'stateful') {
    const me = await ctx.adapter('stateful').me(p.stateful, old.stateful)
    check.that(me.status === 401, `${what}: stateful /me with the old cookie → ${describeRes(me)} (want 401)`)
  }
  for (const mode of ['none', 'denylist', 'version'] as const) {
    if (mode === skip) continue
    const server = p.stateless[mode]
    const cred = old[mode] as Cred
    const me = await ctx.adapter('stateless').me(server, cred)
    const want = mode === 'none' ? 200 : 401
    check.that(
      me.status === want,
      `${what}: stateless[${mode}] /me with the old access token → ${me.status} (want ${want})`,
    )
    const r = await refresh(server, cred.refresh)
    check.that(
      r.res.status === 401,
      `${what}: stateless[${mode}] refresh with the old cookie → ${describeRes(r.res)} (want 401)`,
    )
  }
}

export const crossAppCases: AttackCase[] = [
  {
    id: 'F02',
    title: 'Password change / logout-all in one app ends the credentials of the other (shared user store)',
    group: 'session',
    apps: ['stateful', 'stateless'],
    pace: 'fast',
    stores: BOTH_STORES,
    expected:
      'after a password change or logout-all in either app: old session 401, old refresh cookies 401 in every mode, old access tokens 401 under denylist/version (live to exp under none, documented)',
    async run(ctx, app: AppName, check) {
      const p = await startPair(ctx)
      try {
        const [v1, v2] = p.stateful.fixtures.victims
        if (!v1 || !v2) throw new Error('need two victims')
        // 1. Password change in `app` (stateless: through the denylist instance).
        const old1 = await loginAll(ctx, p, v1.username, v1.password)
        const actor = app === 'stateful' ? p.stateful : p.stateless.denylist
        const actorCred = app === 'stateful' ? old1.stateful : old1.denylist
        const changed = await ctx
          .adapter(app)
          .changePassword(actor, actorCred, v1.password, `${v1.password}-new`)
        check.that(changed.res.status < 300, `password change on ${app} → ${describeRes(changed.res)}`)
        await expectEnded(
          ctx,
          p,
          old1,
          app === 'stateful' ? 'stateful' : 'denylist',
          check,
          `password change on ${app}`,
        )
        // The new password works in the other app.
        const other = app === 'stateful' ? p.stateless.version : p.stateful
        const fresh = await ctx.adapter(other.app).login(other, v1.username, `${v1.password}-new`)
        check.that(
          fresh.res.status === 200,
          `login with the new password on ${other.app} → ${fresh.res.status}`,
        )
        // 2. Logout-all in `app`.
        const old2 = await loginAll(ctx, p, v2.username, v2.password)
        const all = await ctx
          .adapter(app)
          .logoutAll(actor, app === 'stateful' ? old2.stateful : old2.denylist)
        check.that(all.status === 204, `logout-all on ${app} → ${describeRes(all)}`)
        await expectEnded(
          ctx,
          p,
          old2,
          app === 'stateful' ? 'stateful' : 'denylist',
          check,
          `logout-all on ${app}`,
        )
        check.note(`${app}: password change and logout-all ended the other app's credentials`)
      } finally {
        await stopPair(p)
      }
    },
  },
]
