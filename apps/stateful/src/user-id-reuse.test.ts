import { describe, expect, it } from 'vitest'
import { useRedisApps } from './redis-test-apps.js'
import { testApp } from './test-app.js'

/**
 * Session 10 review: a deleted user's session (the memory and Redis stores do not cascade with the users row) must
 * never answer for a later user: SQLite gave the next user the deleted one's id, and the session (same id, epoch 0)
 * then authenticated as that user.
 */
const r = useRedisApps('idreuse')
describe('user id reuse after delete', () => {
  for (const store of ['memory', 'redis'] as const) {
    it(`SESSION_STORE=${store}: a deleted user's session is not a new user's`, async () => {
      const t = store === 'redis' ? await r.redisApp() : await testApp({ env: { SESSION_STORE: 'memory' } })
      const dave = await t.deps.users.create({ username: 'dave', password: 'dave-password' })
      const c = t.client()
      expect((await c.login('dave', 'dave-password')).status).toBe(200)
      t.deps.db.prepare('DELETE FROM users WHERE id = ?').run(dave.id)
      const erin = await t.deps.users.create({ username: 'erin', password: 'erin-password' })
      expect(erin.id).not.toBe(dave.id)
      expect((await c.request('/me')).status).toBe(401)
    })
  }
})
