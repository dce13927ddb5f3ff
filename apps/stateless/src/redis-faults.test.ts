/**
 * The stateless app on Redis when Redis misbehaves, and the key hygiene a long-lived user needs (session-9 review
 * B): a revocation whose second write fails is finished by the retry; Redis that stops answering gives 503, not a
 * hang; revoked families leave the user's set; a family key lives as long as its newest token.
 */
import { commandCalls, startRedisServer } from '@auth-lab/shared/redis-test-server'
import { describe, expect, it } from 'vitest'
import { useRedisApps } from './redis-test-apps.js'
import type { TestApp } from './test-app.js'
import { bearer, login, me, refresh } from './test-app.js'

const fx = useRedisApps('rf')
const redisApp = fx.redisApp

const post = (t: TestApp, path: string, headers: Record<string, string>) =>
  t.app.request(path, { method: 'POST', headers })

/** Makes the next `n` MULTI/EXEC of the app's client fail like an error reply (the deny-list write uses MULTI). */
function failNextMulti(t: TestApp, n = 1) {
  const client = t.deps.redis!.client as unknown as { multi: () => unknown }
  const orig = client.multi.bind(client)
  let left = n
  client.multi = () => {
    const m = orig() as { exec: () => Promise<unknown> }
    if (left-- > 0) m.exec = () => Promise.reject(new Error('ERR injected error reply'))
    return m
  }
}

describe('per-user families set', () => {
  it('a logout prunes the family id from {u:id}:families, so logins never read dead families (B4)', async () => {
    const t = await redisApp()
    const a = await login(t)
    const set = `${t.prefix}{u:1}:families`
    expect(await fx.admin.client.sCard(set)).toBe(1)
    expect((await post(t, '/auth/logout', { ...bearer(a.accessToken), cookie: a.cookie })).status).toBe(204)
    const afterLogout = await fx.admin.client.sCard(set)
    // login / logout cycles: every login's device-cap check reads every member
    for (let i = 0; i < 30; i++) {
      const x = await login(t)
      await post(t, '/auth/logout', { ...bearer(x.accessToken), cookie: x.cookie })
    }
    const members = await fx.admin.client.sCard(set)
    const before = await commandCalls(fx.admin.client, 'hgetall')
    await login(t)
    const hgetalls = (await commandCalls(fx.admin.client, 'hgetall')) - before
    console.info(
      `[redis-faults] families set: ${afterLogout} member(s) after one logout; ${members} after 31 login/logout cycles; next login issues ${hgetalls} HGETALL`,
    )
    expect(afterLogout).toBe(0)
  })
})

describe('revocation committed in two round trips', () => {
  it('logout whose deny-list write fails (503): the retry cuts the access token (B2)', async () => {
    const t = await redisApp()
    const a = await login(t)
    expect((await me(t, a.accessToken)).status).toBe(200)
    failNextMulti(t)
    const first = await post(t, '/auth/logout', { cookie: a.cookie })
    expect(first.status).toBe(503)
    const retry = await post(t, '/auth/logout', { cookie: a.cookie })
    expect(retry.status).toBe(204) // the user believes they are logged out
    const after = (await me(t, a.accessToken)).status
    console.info(
      `[redis-faults] logout 503 then retry ${retry.status}; /me with the device's access token: ${after}`,
    )
    expect(after).toBe(401)
  })

  it('device revoke whose deny-list write fails (503): the retry answers 204 and cuts the token (B2)', async () => {
    const t = await redisApp()
    const laptop = await login(t)
    const stolen = await login(t)
    const list = (await (
      await t.app.request('/auth/sessions', { headers: bearer(laptop.accessToken) })
    ).json()) as {
      sessions: { id: string; current: boolean }[]
    }
    const other = list.sessions.find((s) => !s.current)!.id
    failNextMulti(t)
    const del1 = await t.app.request(`/auth/sessions/${other}`, {
      method: 'DELETE',
      headers: bearer(laptop.accessToken),
    })
    const del2 = await t.app.request(`/auth/sessions/${other}`, {
      method: 'DELETE',
      headers: bearer(laptop.accessToken),
    })
    const after = (await me(t, stolen.accessToken)).status
    console.info(
      `[redis-faults] DELETE device: ${del1.status}, retry ${del2.status}; revoked device's access token /me: ${after}`,
    )
    expect(after).toBe(401)
  })

  it('reuse detected, deny-list write fails (503): the replay is reuse again and cuts the family (B2)', async () => {
    const t = await redisApp()
    const a = await login(t)
    expect((await refresh(t, a.cookie)).status).toBe(200)
    failNextMulti(t)
    const reuse = await refresh(t, a.cookie)
    const replay = await refresh(t, a.cookie)
    const after = (await me(t, a.accessToken)).status
    console.info(
      `[redis-faults] reuse: ${reuse.status}, replay: ${replay.status} ${JSON.stringify(await replay.json())}; /me with the family's access token: ${after}`,
    )
    expect(reuse.status).toBe(503)
    expect(after).toBe(401)
  })
})

describe('TTLs', () => {
  it('a family key lives as long as its newest token, not its absolute expiry (B5)', async () => {
    const t = await redisApp({ env: { REFRESH_TTL: '60', REFRESH_ABSOLUTE_TTL: '86400' } })
    const a = await login(t)
    const keys: string[] = []
    for await (const b of fx.admin.client.scanIterator({ MATCH: `${t.prefix}*`, COUNT: 100 })) keys.push(...b)
    const fam = keys.find((k) => k.includes('}:f:'))!
    const ptr = keys.find((k) => k.includes(':rt:'))!
    const [fp, pp] = [await fx.admin.client.pTTL(fam), await fx.admin.client.pTTL(ptr)]
    console.info(`[redis-faults] PTTL family ${fp} ms, refresh pointer ${pp} ms`)
    expect(a.status).toBe(200)
    expect(fp).toBeLessThanOrEqual(60_000)
  })
})

describe('Redis paused (no socket error)', () => {
  it('Redis paused (SIGSTOP): refresh, /me (denylist) and logout answer 503, never hang (B1)', async () => {
    const own = await startRedisServer()
    try {
      const t = await redisApp({ url: own.url })
      const a = await login(t)
      process.kill(own.pid()!, 'SIGSTOP')
      const within = async (p: Promise<Response>) => {
        let timer: NodeJS.Timeout | undefined
        const r = await Promise.race([
          p.then((x) => x.status),
          new Promise<'hung'>((res) => (timer = setTimeout(() => res('hung'), 4000))),
        ])
        clearTimeout(timer)
        return r
      }
      const results = {
        refresh: await within(refresh(t, a.cookie)),
        me: await within(me(t, a.accessToken)),
        logout: await within(Promise.resolve(post(t, '/auth/logout', { cookie: a.cookie }))),
      }
      process.kill(own.pid()!, 'SIGCONT')
      console.info('[redis-faults] stateless with redis-server stopped:', results)
      expect(results).toEqual({ refresh: 503, me: 503, logout: 503 })
    } finally {
      try {
        process.kill(own.pid()!, 'SIGCONT')
      } catch {}
      await own.stop()
    }
  }, 30_000)
})
