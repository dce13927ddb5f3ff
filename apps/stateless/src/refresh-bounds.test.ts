/**
 * What refresh rotation leaves behind (session 10 review, resource bounds). Counts, not timings.
 *
 * - R2: a refused rotation on Redis leaves no key (the child's pointer is written in the same round trip as the
 *   script; when the script refuses, the pointer is deleted).
 * - Reuse detection must survive a long chain: a thief who rotates a stolen token many times must not be able to
 *   push the victim's token out of what the store remembers. A bound of "the newest N used tokens per family" was
 *   proposed for R1 (one refresh cookie in a loop grows the store) and rejected for exactly this: after N quick
 *   rotations by the thief, the victim's return was "unknown" (401) instead of reuse, and the thief kept the family.
 */
import { describe, expect, it } from 'vitest'
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

describe.each(['sqlite', 'redis'] as const)('a long rotation chain on %s', (store) => {
  it('the victim’s token is still recognised as reused after the thief rotated 300 times: the family dies', async () => {
    const t = store === 'sqlite' ? await testApp() : await fx.redisApp()
    const victim = (await login(t)).cookie
    // The thief presents the stolen token first and keeps rotating.
    let thief = victim
    for (let i = 0; i < 300; i++) {
      const r = await refresh(t, thief)
      expect(r.status).toBe(200)
      thief = refreshCookieOf(r)!
    }
    const back = await refresh(t, victim)
    expect(back.status).toBe(401)
    expect(await errorOf(back)).toBe('refresh_token_reused')
    // Reuse revoked the whole family: the thief's current token is dead too.
    expect((await refresh(t, thief)).status).toBe(401)
  })
})

describe('refused rotations on Redis (review R2)', () => {
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
