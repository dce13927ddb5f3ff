import { type AppServer, redisEnv, startApp, stopFileRedis } from '@auth-lab/test'
import { afterAll, describe, expect, it } from 'vitest'

/**
 * Session 10 review (no defect found; kept as a regression guard): two real processes on one store — one SQLite
 * file, or one Redis — must behave as one server. The same refresh token presented to both at once rotates at most
 * once and the reuse revokes the family (so the winner's child is dead too); wrong passwords spread over a stateful
 * and a stateless process at once check at most THROTTLE_USER_MAX (5) of them, and the account is then locked in
 * both apps.
 */
const SECRET = 'Zx9-kQ2vTmR8pL4wYc7nBfJ3hD6sGa1eUo5iXq0rWzK'

async function post(
  url: string,
  path: string,
  init: { cookie?: string; json?: unknown; bearer?: string } = {},
) {
  const headers: Record<string, string> = {}
  if (init.cookie) headers.cookie = init.cookie
  if (init.bearer) headers.authorization = `Bearer ${init.bearer}`
  if (init.json !== undefined) headers['content-type'] = 'application/json'
  const res = await fetch(url + path, {
    method: 'POST',
    headers,
    body: init.json === undefined ? undefined : JSON.stringify(init.json),
  })
  return { status: res.status, body: await res.text(), setCookie: res.headers.getSetCookie() }
}

afterAll(() => stopFileRedis())

for (const store of ['sqlite', 'redis'] as const) {
  describe(`two processes, one store (${store})`, () => {
    it('refresh: the same token at both processes at once → exactly one 200, and the family is revoked', async () => {
      const extra = store === 'redis' ? await redisEnv() : {}
      const a = await startApp({ app: 'stateless', env: { JWT_SECRET: SECRET, ...extra } })
      let b: AppServer | undefined
      try {
        b = await startApp({
          app: 'stateless',
          seed: false,
          env: { JWT_SECRET: SECRET, DB_PATH: a.dbPath, ...extra },
        })
        for (let round = 0; round < 8; round++) {
          const li = await post(a.url, '/auth/login', {
            json: { username: 'bob', password: 'bob-pass-2026' },
          })
          expect(li.status).toBe(200)
          const rt = li.setCookie.find((c) => c.startsWith('rt='))!.split(';')[0]!
          const rs = await Promise.all([a, b, a, b].map((s) => post(s.url, '/auth/refresh', { cookie: rt })))
          const ok = rs.filter((r) => r.status === 200)
          // Exactly one: "at most one" would also pass if every refresh were refused.
          expect(ok).toHaveLength(1)
          // the winner's child is dead too (reuse revoked the family)
          const child = ok[0]!.setCookie.find((c) => c.startsWith('rt='))!.split(';')[0]!
          const again = await post(b.url, '/auth/refresh', { cookie: child })
          expect(again.status).toBe(401)
        }
      } finally {
        await b?.stop()
        await a.stop()
      }
    }, 120_000)

    it('throttle: wrong passwords spread over a stateful and a stateless process at once → at most 5 checked', async () => {
      const extra = store === 'redis' ? await redisEnv() : {}
      const a = await startApp({ app: 'stateful', env: { ...extra } })
      let b: AppServer | undefined
      try {
        b = await startApp({
          app: 'stateless',
          seed: false,
          env: { JWT_SECRET: SECRET, DB_PATH: a.dbPath, ...extra },
        })
        const servers = [a, b]
        const rs = await Promise.all(
          Array.from({ length: 30 }, (_, i) =>
            post(servers[i % 2]!.url, '/auth/login', {
              json: { username: 'alice', password: `wrong-${i}-xxxx` },
            }),
          ),
        )
        const checked = rs.filter((r) => r.status === 401).length
        expect(checked).toBeLessThanOrEqual(5)
        // Every other attempt was refused by the throttle, not by an error.
        expect(rs.filter((r) => r.status === 429)).toHaveLength(30 - checked)
        const good = await post(b.url, '/auth/login', {
          json: { username: 'alice', password: 'alice-pass-2026' },
        })
        expect(good.status).toBe(429)
      } finally {
        await b?.stop()
        await a.stop()
      }
    }, 120_000)
  })
}
