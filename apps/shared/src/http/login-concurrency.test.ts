import { Hono } from 'hono'
import { describe, expect, it } from 'vitest'
import { manualClock } from '../clock.js'
import { migrate } from '../db/migrate.js'
import { openDatabase } from '../db/open-database.js'
import { Metrics } from '../metrics/metrics.js'
import { LoginThrottle } from '../throttle/login-throttle.js'
import type { Argon2Settings } from '../users/password.js'
import { PasswordHasher, TEST_COST } from '../users/password.js'
import { userMigrations } from '../users/schema.js'
import { SqliteUserStore } from '../users/sqlite-user-store.js'
import { installCommon } from './common.js'
import { reauthenticate, verifyLogin } from './login.js'

/**
 * Issue 10 F1: the throttle must hold when guesses arrive all at once. Every request below is fired before any
 * answer is awaited, so all of them pass the route while the first argon2 verify is still running.
 */
class CountingHasher extends PasswordHasher {
  verifies = 0
  override verify(hash: string, password: string): Promise<boolean> {
    this.verifies++
    return super.verify(hash, password)
  }
}

const LIMITS = { maxFailuresPerUser: 5, maxFailuresPerIp: 50, windowSeconds: 900 }

async function setup(argon2: Argon2Settings = TEST_COST, limits = LIMITS) {
  const db = openDatabase(':memory:')
  migrate(db, 'users', userMigrations)
  const metrics = new Metrics('test')
  const hasher = new CountingHasher(argon2)
  const clock = manualClock()
  const users = new SqliteUserStore(db, hasher, metrics.store, clock)
  const alice = await users.create({ username: 'alice', password: 'alice-password' })
  const throttle = new LoginThrottle(limits, clock)
  const deps = { users, hasher, throttle, metrics, trustProxy: false }
  const app = new Hono()
  installCommon(app, { app: 'test', instanceId: 't', metrics, logRequests: false })
  app.post('/login', async (c) => {
    const user = await verifyLogin(c, deps)
    return c.json({ id: user.id })
  })
  // The password routes of both apps re-check the current password exactly like this.
  app.post('/password', async (c) => {
    const body = (await c.req.json()) as { current: string }
    await reauthenticate(c, deps, alice, body.current)
    return c.body(null, 204)
  })
  const post = (path: string, body: object) =>
    app.request(path, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    })
  const login = (username: string, password: string) => post('/login', { username, password })
  return { post, login, hasher, throttle, metrics }
}

async function errorCode(res: Response): Promise<string> {
  return ((await res.json()) as { error: string }).error
}

describe('throttling under concurrent requests (F1)', () => {
  it('200 wrong passwords + the right one at once for one user: at most 5 checked, the rest and the right one 429', async () => {
    const { login, hasher, throttle } = await setup()
    const attempts = Array.from({ length: 201 }, (_, i) =>
      i === 100 ? login('alice', 'alice-password') : login('alice', `wrong-password-${i}`),
    )
    const res = await Promise.all(attempts)
    const statuses = res.map((r) => r.status)
    expect(hasher.verifies).toBeLessThanOrEqual(LIMITS.maxFailuresPerUser)
    expect(statuses.filter((s) => s === 401)).toHaveLength(hasher.verifies)
    expect(statuses.filter((s) => s === 429)).toHaveLength(201 - hasher.verifies)
    expect(statuses[100]).toBe(429)
    expect(res[100]!.headers.get('retry-after')).toMatch(/^[1-9]\d*$/)
    expect(throttle.pending('alice', 'unknown')).toEqual({ user: 0, ip: 0 })
    // And the account stays locked afterwards: the right password is still refused without hashing.
    const after = await login('alice', 'alice-password')
    expect(after.status).toBe(429)
    expect(hasher.verifies).toBeLessThanOrEqual(LIMITS.maxFailuresPerUser)
  })

  it('200 different usernames at once from one address: at most the per-IP limit checked', async () => {
    const { login, hasher } = await setup()
    const res = await Promise.all(Array.from({ length: 200 }, (_, i) => login(`spray${i}`, 'spray-password')))
    const statuses = res.map((r) => r.status)
    expect(hasher.verifies).toBeLessThanOrEqual(LIMITS.maxFailuresPerIp)
    expect(hasher.verifies).toBeGreaterThan(0)
    expect(statuses.filter((s) => s === 401)).toHaveLength(hasher.verifies)
    expect(statuses.filter((s) => s === 429)).toHaveLength(200 - hasher.verifies)
  })

  it('password change: 200 wrong current passwords + the right one at once, at most 5 checked, the right one 429', async () => {
    const { post, hasher } = await setup()
    const res = await Promise.all(
      Array.from({ length: 201 }, (_, i) =>
        post('/password', { current: i === 100 ? 'alice-password' : `wrong-password-${i}` }),
      ),
    )
    const statuses = res.map((r) => r.status)
    expect(hasher.verifies).toBeLessThanOrEqual(LIMITS.maxFailuresPerUser)
    expect(statuses.filter((s) => s === 204)).toHaveLength(0)
    expect(statuses.filter((s) => s === 429)).toHaveLength(201 - hasher.verifies)
    expect(statuses[100]).toBe(429)
  })

  it('a full argon2 queue answers 503 service_unavailable + Retry-After, counts no failure and leaks no slot', async () => {
    const { login, hasher, throttle } = await setup(
      { ...TEST_COST, maxActive: 1, maxQueued: 2 },
      { maxFailuresPerUser: 1000, maxFailuresPerIp: 1000, windowSeconds: 900 },
    )
    const res = await Promise.all(Array.from({ length: 20 }, (_, i) => login(`user${i}`, 'some-password')))
    const busy = res.filter((r) => r.status === 503)
    expect(busy.length).toBeGreaterThan(0)
    expect(await errorCode(busy[0]!)).toBe('service_unavailable')
    expect(busy[0]!.headers.get('retry-after')).toMatch(/^[1-9]\d*$/)
    expect(res.filter((r) => r.status === 401).length + busy.length).toBe(20)
    expect(hasher.queue.load()).toEqual({ active: 0, queued: 0 })
    expect(throttle.pending('user0', 'unknown')).toEqual({ user: 0, ip: 0 })
    // Nothing is stuck: the next login goes through.
    const right = await login('alice', 'alice-password')
    expect(right.status).toBe(200)
  })
})
