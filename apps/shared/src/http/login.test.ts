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
import { verifyLogin } from './login.js'

async function setup() {
  const db = openDatabase(':memory:')
  migrate(db, 'users', userMigrations)
  const metrics = new Metrics('test')
  const hasher = new PasswordHasher(TEST_COST)
  const clock = manualClock()
  const users = new SqliteUserStore(db, hasher, metrics.store, clock)
  await users.create({ username: 'alice', password: 'alice-password' })
  await users.create({ username: 'carol', password: 'carol-password', disabled: true })
  let verifies = 0
  const counting = Object.assign(Object.create(hasher), {
    verify: (h: string, p: string) => {
      verifies++
      return hasher.verify(h, p)
    },
    verifyDummy: (p: string) => {
      verifies++
      return hasher.verifyDummy(p)
    },
  }) as PasswordHasher
  const throttle = new LoginThrottle(
    { maxFailuresPerUser: 5, maxFailuresPerIp: 50, windowSeconds: 900 },
    clock,
  )
  const app = new Hono()
  installCommon(app, { app: 'test', instanceId: 't', metrics, logRequests: false })
  app.post('/login', async (c) => {
    const user = await verifyLogin(c, { users, hasher: counting, throttle, metrics, trustProxy: false })
    return c.json({ id: user.id, username: user.username })
  })
  const login = (username: unknown, password: unknown, headers: Record<string, string> = {}) =>
    app.request('/login', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', ...headers },
      body: JSON.stringify({ username, password }),
    })
  return { login, metrics, verifies: () => verifies, clock }
}

describe('verifyLogin', () => {
  it('logs in with the normalised username', async () => {
    const { login } = await setup()
    const res = await login('ＡLICE', 'alice-password')
    expect(res.status).toBe(200)
    expect(await res.json()).toMatchObject({ username: 'alice' })
  })

  it('answers unknown user, wrong password, disabled user and SQL-shaped names identically, each after one hash', async () => {
    const { login, verifies } = await setup()
    const bodies: string[] = []
    for (const [u, p] of [
      ['nobody_zz', 'whatever-1'],
      ['alice', 'wrong-password'],
      ['carol', 'carol-password'],
      ["alice'--", 'alice-password'],
    ]) {
      const before = verifies()
      const res = await login(u, p)
      expect(res.status).toBe(401)
      expect(verifies() - before).toBe(1)
      bodies.push(await res.text())
    }
    expect(new Set(bodies).size).toBe(1)
    expect(JSON.parse(bodies[0]!)).toMatchObject({ error: 'invalid_credentials' })
  })

  it('throttles an account after 5 failures without hashing, even with a spoofed X-Forwarded-For', async () => {
    const { login, verifies, metrics } = await setup()
    for (let i = 0; i < 5; i++) {
      expect((await login('alice', 'wrong-password', { 'X-Forwarded-For': `203.0.113.${i}` })).status).toBe(
        401,
      )
    }
    const before = verifies()
    const res = await login('alice', 'alice-password', { 'X-Forwarded-For': '198.51.100.7' })
    expect(res.status).toBe(429)
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0)
    expect(await res.json()).toMatchObject({ error: 'too_many_attempts' })
    expect(verifies()).toBe(before)
    const text = await metrics.text()
    expect(text).toMatch(/auth_lab_logins_total\{outcome="throttled",app="test"\} 1/)
    expect(text).toMatch(/auth_lab_logins_total\{outcome="invalid_credentials",app="test"\} 5/)
  })

  it('refuses an oversized password before hashing', async () => {
    const { login, verifies } = await setup()
    const res = await login('alice', 'x'.repeat(10_000))
    expect(res.status).toBe(400)
    expect(verifies()).toBe(0)
  })
})
