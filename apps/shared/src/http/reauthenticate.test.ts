import { Hono } from 'hono'
import { describe, expect, it } from 'vitest'
import { manualClock } from '../clock.js'
import { migrate } from '../db/migrate.js'
import { openDatabase } from '../db/open-database.js'
import { Metrics } from '../metrics/metrics.js'
import { LoginThrottle } from '../throttle/login-throttle.js'
import { PasswordHasher, TEST_COST } from '../users/password.js'
import { userMigrations } from '../users/schema.js'
import { SqliteUserStore } from '../users/sqlite-user-store.js'
import { installCommon } from './common.js'
import { reauthenticate } from './login.js'

// The password routes of both apps re-check the current password through this one function.
async function setup() {
  const db = openDatabase(':memory:')
  migrate(db, 'users', userMigrations)
  const metrics = new Metrics('test')
  const hasher = new PasswordHasher(TEST_COST)
  const clock = manualClock()
  const users = new SqliteUserStore(db, hasher, metrics.store, clock)
  const alice = await users.create({ username: 'alice', password: 'alice-password' })
  const throttle = new LoginThrottle(
    { maxFailuresPerUser: 3, maxFailuresPerIp: 50, windowSeconds: 900 },
    clock,
  )
  const deps = { users, hasher, throttle, metrics, trustProxy: false }
  const app = new Hono()
  installCommon(app, { app: 'test', instanceId: 't', metrics, logRequests: false })
  app.post('/check/:id', async (c) => {
    const claimed = { id: Number(c.req.param('id')), username: c.req.query('as') ?? 'alice' }
    const body = (await c.req.json()) as { password: string }
    const user = await reauthenticate(c, deps, claimed, body.password)
    return c.json({ id: user.id })
  })
  const check = (password: string, id = alice.id, as = 'alice') =>
    app.request(`/check/${id}?as=${as}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ password }),
    })
  return { check, users, alice, clock }
}

describe('reauthenticate', () => {
  it('returns the fresh user for the right password', async () => {
    const { check, alice } = await setup()
    const res = await check('alice-password')
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ id: alice.id })
  })

  it('refuses a wrong password with invalid_credentials, then throttles like login', async () => {
    const { check } = await setup()
    for (let i = 0; i < 3; i++) {
      const res = await check('wrong-password')
      expect(res.status).toBe(401)
      expect(((await res.json()) as { error: string }).error).toBe('invalid_credentials')
    }
    const blocked = await check('alice-password')
    expect(blocked.status).toBe(429)
    expect(blocked.headers.get('retry-after')).toMatch(/^\d+$/)
  })

  it('refuses a disabled account even with the right password', async () => {
    const { check, users, alice } = await setup()
    users.setDisabled(alice.id, true)
    expect((await check('alice-password')).status).toBe(401)
  })

  it('refuses when the stored row is another user (name reused after a delete)', async () => {
    const { check, alice } = await setup()
    expect((await check('alice-password', alice.id + 1)).status).toBe(401)
  })
})
