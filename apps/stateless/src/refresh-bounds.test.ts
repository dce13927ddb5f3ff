/**
 * What refresh rotation leaves behind (session 10 review, resource bounds). Counts, not timings.
 *
 * - RB2: a refused rotation on Redis leaves no key (the child's pointer is written in the same round trip as the
 *   script; when the script refuses, the pointer is deleted).
 * - RB1: one refresh cookie in a loop added a row per rotation, kept REFRESH_TTL. A family now has a rotation budget
 *   (REFRESH_BURST back to back, then one per REFRESH_REFILL): beyond it 429, nothing changes. Reuse detection must
 *   survive: a bound of "the newest N used tokens per family" was proposed and rejected because a thief could rotate
 *   N times and turn the victim's return into "unknown" (401) instead of reuse, keeping the family.
 */
import { describe, expect, it, onTestFinished } from 'vitest'
import { useRedisApps } from './redis-test-apps.js'
import { login, refresh, refreshCookieOf, testApp } from './test-app.js'

const fx = useRedisApps('rb')

async function scanCount(pattern: string): Promise<number> {
  let n = 0
  for await (const keys of fx.admin.client.scanIterator({ MATCH: pattern, COUNT: 1000 })) n += keys.length
  return n
}

async function errorOf(res: Response): Promise<string> {
  return String(((await res.json()) as { error?: unknown }).error)
}

describe.each(['sqlite', 'redis'] as const)('the rotation budget on %s (review RB1)', (store) => {
  // The Redis fixture closes its apps after the file; a SQLite app is closed (and its temp dir removed) per test.
  const open = async (env: Record<string, string> = {}) => {
    if (store === 'redis') return fx.redisApp({ env })
    const t = await testApp({ env })
    onTestFinished(() => t.close())
    return t
  }
  const rows = async (t: Awaited<ReturnType<typeof open>>): Promise<number> =>
    store === 'sqlite'
      ? (t.deps.db.prepare('SELECT COUNT(*) AS n FROM refresh_tokens').get() as { n: number }).n
      : scanCount(`${(t as { prefix?: string }).prefix}rt:*`)

  it('a thief in a loop gets REFRESH_BURST rotations, then 429 that keeps the cookie; the victim’s return still kills the family', async () => {
    const t = await open({ REFRESH_BURST: '30', ACCESS_TTL: '900' })
    const victim = (await login(t)).cookie
    let thief = victim
    let limited: Response | undefined
    for (let i = 0; i < 300 && !limited; i++) {
      const r = await refresh(t, thief)
      if (r.status === 429) limited = r
      else {
        expect(r.status).toBe(200)
        thief = refreshCookieOf(r)!
      }
    }
    // 30 rotations, then the budget: one row per rotation plus the login's, not one per request.
    expect(limited?.status).toBe(429)
    expect(await errorOf(limited!)).toBe('too_many_attempts')
    expect(Number(limited!.headers.get('retry-after'))).toBe(450) // one rotation per ACCESS_TTL / 2
    expect(limited!.headers.getSetCookie()).toEqual([]) // not cleared: the token is still the live one
    expect(await rows(t)).toBe(31)
    // The refill: after half an access token's life, the same (still live) cookie rotates again.
    t.clock.advance(450_000)
    const later = await refresh(t, thief)
    expect(later.status).toBe(200)
    // Reuse detection was never bounded: the victim's original token (31 rotations back) revokes the family.
    const back = await refresh(t, victim)
    expect(back.status).toBe(401)
    expect(await errorOf(back)).toBe('refresh_token_reused')
    expect((await refresh(t, refreshCookieOf(later)!)).status).toBe(401)
  })

  it('reuse is judged before the budget: a used token on a spent family still revokes it', async () => {
    const t = await open({ REFRESH_BURST: '2' })
    const first = (await login(t)).cookie
    const second = refreshCookieOf(await refresh(t, first))!
    const third = refreshCookieOf(await refresh(t, second))!
    expect((await refresh(t, third)).status).toBe(429)
    const replay = await refresh(t, first)
    expect(await errorOf(replay)).toBe('refresh_token_reused')
    expect((await refresh(t, third)).status).toBe(401)
  })

  it('a grace retry of a lost response on a spent family gets its sibling, once (review X5)', async () => {
    const t = await open({ REFRESH_BURST: '1', REFRESH_GRACE: '10' })
    const c0 = (await login(t)).cookie
    const lost = await refresh(t, c0) // spends the budget; the client never sees the answer
    expect(lost.status).toBe(200)
    // Before: 429 with Retry-After 450 — and the retry it asked for, 450 s later, was reuse: the family revoked.
    const retry = await refresh(t, c0)
    expect(retry.status).toBe(200)
    // One overdraft only: a second replay is limited, and the debt is repaid before the next rotation.
    const again = await refresh(t, c0)
    expect(again.status).toBe(429)
    expect(Number(again.headers.get('retry-after'))).toBe(450)
    const sibling = refreshCookieOf(retry)!
    expect((await refresh(t, sibling)).status).toBe(429)
    t.clock.advance(900_000)
    expect((await refresh(t, sibling)).status).toBe(200)
  })

  it('parallel refreshes of one token with grace: burst + 1 win, the rest 429, the family lives (review X5)', async () => {
    const t = await open({ REFRESH_BURST: '5', REFRESH_GRACE: '10' })
    const c0 = (await login(t)).cookie
    const rs = await Promise.all(Array.from({ length: 20 }, () => refresh(t, c0)))
    expect(rs.filter((r) => r.status === 200)).toHaveLength(6)
    expect(rs.filter((r) => r.status === 429)).toHaveLength(14)
    expect(rs.flatMap((r) => r.headers.getSetCookie())).toHaveLength(6) // only winners set a cookie
    expect(await rows(t)).toBe(7)
    t.clock.advance(3_600_000)
    const newest = refreshCookieOf(rs.filter((r) => r.status === 200).at(-1)!)!
    expect((await refresh(t, newest)).status).toBe(200)
  })
})

describe('refused rotations on Redis (review RB2)', () => {
  it('replaying a revoked or used cookie adds no key (was one 14-day pointer per request)', async () => {
    const t = await fx.redisApp()
    const a = await login(t)
    const r1 = await refresh(t, a.cookie)
    expect(r1.status).toBe(200)
    const child = refreshCookieOf(r1)!
    const before = await scanCount(`${t.prefix}rt:*`)
    // A used token (reuse: revokes the family), then the same and the child again (revoked family): all refused.
    for (let i = 0; i < 50; i++) expect((await refresh(t, a.cookie)).status).toBe(401)
    for (let i = 0; i < 50; i++) expect((await refresh(t, child)).status).toBe(401)
    expect(await scanCount(`${t.prefix}rt:*`)).toBe(before)
    // Every key of the prefix still has a TTL.
    for await (const keys of fx.admin.client.scanIterator({ MATCH: `${t.prefix}*`, COUNT: 1000 }))
      for (const k of keys) expect(await fx.admin.client.pTTL(k)).toBeGreaterThan(0)
  })
})
