import { type AppServer, refresh, request, sameOrigin, startApp } from '@auth-lab/test'
import { TEST_SECRET } from './profiles.js'
import { BOTH_STORES } from './store-probe.js'
import type { AttackCase } from './types.js'
import { describeRes } from './util.js'

/**
 * Issue 10 findings fixed in the routes (docs/security.md "Wave 2 findings"): F4 (a revoked access token logs
 * nothing out), F5 (cookie tossing on the refresh cookie), F9 (sessions / devices per user capped). Each case starts
 * the server it needs (a setting the shared profiles don't have) and fails on the code before the fix.
 */
async function withServer<T>(
  app: 'stateful' | 'stateless',
  env: Record<string, string>,
  run: (s: AppServer) => Promise<T>,
): Promise<T> {
  const hs: Record<string, string> = app === 'stateless' ? { JWT_ALG: 'HS256', JWT_SECRET: TEST_SECRET } : {}
  const server = await startApp({ app, env: { COOKIE_SECURE: '1', ...hs, ...env }, victims: 2 })
  try {
    return await run(server)
  } finally {
    await server.stop()
  }
}

export const hardeningRouteCases: AttackCase[] = [
  {
    id: 'F04',
    title: 'An already revoked access token cannot log out a live device (REVOCATION=version)',
    group: 'jwt',
    apps: ['stateless'],
    pace: 'fast',
    stores: BOTH_STORES,
    expected:
      'logout with a token killed by a version bump → 204, but the device it names stays logged in (refresh 200)',
    async run(ctx, _app, check) {
      await withServer('stateless', { REVOCATION: 'version' }, async (server) => {
        const a = ctx.adapter('stateless')
        const v = server.fixtures.victims[0]!
        const devA = (await a.login(server, v.username, v.password)).cred!
        const devB = (await a.login(server, v.username, v.password)).cred!
        check.that((await a.logout(server, devB)).status === 204, 'victim logs device B out')
        check.that(
          (await a.me(server, { app: 'stateless', access: devA.access })).status === 401,
          "A's token died",
        )
        // The thief only holds A's (now dead) access token.
        const replay = await a.logout(server, { app: 'stateless', access: devA.access })
        check.that(replay.status === 204, `thief's logout → ${describeRes(replay)}`)
        const r = await refresh(server, devA.refresh)
        check.that(
          r.res.status === 200,
          `device A refresh after the thief's logout → ${describeRes(r.res)} (want 200)`,
        )
        check.note('the dead token revoked nothing; the victim stays logged in on A')
      })
    },
  },
  {
    id: 'F05',
    title: 'Cookie tossing: two refresh cookies are refused, never guessed between',
    group: 'refresh',
    apps: ['stateless'],
    pace: 'fast',
    stores: BOTH_STORES,
    expected:
      'refresh with two __Secure-rt cookies → 400 duplicate_cookie, clearing cookies for /auth, /auth/refresh, /auth/logout; neither family rotated',
    async run(ctx, _app, check) {
      const server = await ctx.server('stateless')
      const a = ctx.adapter('stateless')
      const v = ctx.victim(server)
      const victim = (await a.login(server, v.username, v.password)).cred!
      const bob = server.fixtures.users.bob
      const attacker = (await a.login(server, bob.username, bob.password)).cred!
      const name = a.cookieName(server)
      // The attacker's cookie first, as a browser orders a more specific Path= first.
      const res = await request(server.url, 'POST', '/auth/refresh', {
        headers: {
          ...sameOrigin(server.origin),
          cookie: `${name}=${attacker.refresh}; ${name}=${victim.refresh}`,
        },
      })
      check.that(
        res.status === 400 && res.json?.error === 'duplicate_cookie',
        `two cookies → ${describeRes(res)}`,
      )
      const paths = res.setCookies
        .filter((c) => c.name === name && c.value === '')
        .map((c) => String(c.attrs.get('path')))
        .sort()
      check.that(paths.join(',') === '/auth,/auth/logout,/auth/refresh', `cleared paths: ${paths.join(',')}`)
      check.that(
        (await refresh(server, victim.refresh)).res.status === 200,
        "victim's own family still refreshes",
      )
      check.that(
        (await refresh(server, attacker.refresh)).res.status === 200,
        "the attacker's family was not rotated into the victim's browser",
      )
    },
  },
  {
    id: 'F09C',
    title: 'Sessions and devices per user are capped (oldest ends)',
    group: 'session',
    apps: ['stateful', 'stateless'],
    pace: 'fast',
    stores: BOTH_STORES,
    expected:
      'with a cap of 3, the 4th and 5th logins end the two oldest credentials; the newest 3 work; other users untouched',
    async run(ctx, app, check) {
      const env: Record<string, string> =
        app === 'stateful' ? { SESSION_MAX_PER_USER: '3' } : { REFRESH_MAX_FAMILIES_PER_USER: '3' }
      await withServer(app, env, async (server) => {
        const a = ctx.adapter(app)
        const [v, other] = server.fixtures.victims
        const others = (await a.login(server, other!.username, other!.password)).cred!
        const creds: NonNullable<Awaited<ReturnType<typeof a.login>>['cred']>[] = []
        for (let i = 0; i < 5; i++) {
          creds.push((await a.login(server, v!.username, v!.password)).cred!)
          await new Promise((r) => setTimeout(r, 5)) // distinct creation times
        }
        const alive = await Promise.all(
          creds.map(async (c) =>
            app === 'stateful'
              ? (await a.me(server, c)).status === 200
              : (await refresh(server, c.refresh)).res.status === 200,
          ),
        )
        check.that(
          alive.join() === 'false,false,true,true,true',
          `alive after 5 logins with cap 3: ${alive.join()}`,
        )
        const o =
          app === 'stateful'
            ? (await a.me(server, others)).status
            : (await refresh(server, others.refresh)).res.status
        check.that(o === 200, `another user's credential → ${o}`)
      })
    },
  },
]
