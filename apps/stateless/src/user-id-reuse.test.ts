import { describe, expect, it } from 'vitest'
import { useRedisApps } from './redis-test-apps.js'
import { login, me, refresh, testApp } from './test-app.js'

/** Session 10 review: a deleted user’s credentials must never become those of a later user given the same id. */
describe('user id reuse after delete', () => {
  for (const mode of ['denylist', 'version'] as const) {
    it(`SQLite, REVOCATION=${mode}: a deleted user's access token is not a new user's`, async () => {
      const t = await testApp({ env: { REVOCATION: mode } })
      try {
        const dave = await t.deps.users.create({ username: 'dave', password: 'dave-password' })
        const d = await login(t, { username: 'dave', password: 'dave-password' })
        expect(d.status).toBe(200)
        t.deps.db.prepare('DELETE FROM users WHERE id = ?').run(dave.id)
        const erin = await t.deps.users.create({ username: 'erin', password: 'erin-password' })
        expect(erin.id).not.toBe(dave.id)
        expect((await me(t, d.accessToken)).status).toBe(401)
      } finally {
        t.close()
      }
    })
  }
})

const r = useRedisApps('idreuse')
describe('user id reuse after delete (Redis)', () => {
  it('a deleted user’s refresh token does not refresh as the new user', async () => {
    const t = await r.redisApp({ env: { REVOCATION: 'denylist' } })
    const dave = await t.deps.users.create({ username: 'dave', password: 'dave-password' })
    const d = await login(t, { username: 'dave', password: 'dave-password' })
    t.deps.db.prepare('DELETE FROM users WHERE id = ?').run(dave.id)
    const erin = await t.deps.users.create({ username: 'erin', password: 'erin-password' })
    expect(erin.id).not.toBe(dave.id)
    // Before the fix: 200, and a token pair for erin (`preferred_username: erin`) — a 30-day takeover.
    expect((await refresh(t, d.cookie)).status).toBe(401)
  })
})
