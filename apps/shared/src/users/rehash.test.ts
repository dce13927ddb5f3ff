import { Hono } from 'hono'
import { describe, expect, it } from 'vitest'
import { manualClock } from '../clock.js'
import { migrate } from '../db/migrate.js'
import type { Db } from '../db/open-database.js'
import { openDatabase } from '../db/open-database.js'
import { installCommon } from '../http/common.js'
import { verifyLogin } from '../http/login.js'
import { Metrics } from '../metrics/metrics.js'
import { LoginThrottle } from '../throttle/login-throttle.js'
import { argon2Params, costKey } from './hash-population.js'
import type { Argon2Cost } from './password.js'
import { PasswordHasher } from './password.js'
import { userMigrations } from './schema.js'
import { SqliteUserStore } from './sqlite-user-store.js'

/**
 * Issue 10 F3: after the argon2 cost changes, an unknown username must cost the same argon2 work as a known one,
 * and a login must upgrade the user's hash. The work is compared by the parameters each verify ran with (read from
 * the hash it verified against), not by wall time.
 */
const OLD: Argon2Cost = { memoryCost: 256, timeCost: 1, parallelism: 1 }
const NEW: Argon2Cost = { memoryCost: 512, timeCost: 2, parallelism: 1 }

class RecordingHasher extends PasswordHasher {
  readonly used: string[] = []
  override verify(hash: string, password: string): Promise<boolean> {
    const p = argon2Params(hash)
    this.used.push(p ? costKey(p) : 'malformed')
    return super.verify(hash, password)
  }
}

async function seed(db: Db, n: number): Promise<void> {
  const metrics = new Metrics('seed')
  const users = new SqliteUserStore(db, new PasswordHasher(OLD), metrics.store, manualClock())
  for (let i = 0; i < n; i++) await users.create({ username: `user${i}`, password: `password-${i}` })
}

function serve(db: Db, cost: Argon2Cost) {
  const metrics = new Metrics('test')
  const hasher = new RecordingHasher(cost)
  const clock = manualClock()
  const users = new SqliteUserStore(db, hasher, metrics.store, clock)
  const throttle = new LoginThrottle(
    { maxFailuresPerUser: 100, maxFailuresPerIp: 1000, windowSeconds: 900 },
    clock,
  )
  const app = new Hono()
  installCommon(app, { app: 'test', instanceId: 't', metrics, logRequests: false })
  app.post('/login', async (c) =>
    c.json({ id: (await verifyLogin(c, { users, hasher, throttle, metrics, trustProxy: false })).id }),
  )
  const login = async (username: string, password: string) => {
    const from = hasher.used.length
    const res = await app.request('/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password }),
    })
    return { status: res.status, used: hasher.used.slice(from) }
  }
  const storedCost = (name: string) => {
    const h = users.findCredentials(name)?.passwordHash ?? ''
    const p = argon2Params(h)
    return p ? costKey(p) : 'none'
  }
  return { login, hasher, users, storedCost }
}

describe('argon2 cost change (F3)', () => {
  it('after a cost change, an unknown user is verified at the stored population cost, like a known user', async () => {
    const db = openDatabase(':memory:')
    migrate(db, 'users', userMigrations)
    await seed(db, 5)
    const { login, hasher } = serve(db, NEW)
    expect(hasher.population.snapshot()).toEqual({ [costKey(OLD)]: 5 })
    const known = await login('user0', 'wrong-password')
    const unknown = await login('nobody_zz', 'wrong-password')
    expect(known.status).toBe(401)
    expect(unknown.status).toBe(401)
    expect(known.used).toEqual([costKey(OLD)])
    expect(unknown.used).toEqual(known.used) // not the configured NEW cost
  })

  it('a successful login rehashes to the current cost; the dummy follows once most hashes are upgraded', async () => {
    const db = openDatabase(':memory:')
    migrate(db, 'users', userMigrations)
    await seed(db, 3)
    const { login, storedCost, hasher } = serve(db, NEW)
    expect(storedCost('user0')).toBe(costKey(OLD))
    expect((await login('user0', 'password-0')).status).toBe(200)
    expect(storedCost('user0')).toBe(costKey(NEW))
    // The upgraded hash still verifies, at the new cost.
    const again = await login('user0', 'password-0')
    expect(again.status).toBe(200)
    expect(again.used).toEqual([costKey(NEW)])
    expect(hasher.population.snapshot()).toEqual({ [costKey(OLD)]: 2, [costKey(NEW)]: 1 })
    expect((await login('nobody_zz', 'x-password')).used).toEqual([costKey(OLD)])
    expect((await login('user1', 'password-1')).status).toBe(200)
    expect((await login('nobody_zz', 'x-password')).used).toEqual([costKey(NEW)])
    // A wrong password never rehashes.
    expect((await login('user2', 'wrong-password')).status).toBe(401)
    expect(storedCost('user2')).toBe(costKey(OLD))
  })

  it('the rehash does not overwrite a password changed meanwhile', async () => {
    const db = openDatabase(':memory:')
    migrate(db, 'users', userMigrations)
    await seed(db, 1)
    const { users } = serve(db, NEW)
    const before = users.findCredentials('user0')!
    users.setPasswordHash(before.id, await new PasswordHasher(NEW).hash('changed-password'))
    expect(users.rehashPassword(before.id, before.passwordHash, 'stale-upgrade')).toBe(false)
    expect(users.findCredentials('user0')!.passwordHash).not.toBe('stale-upgrade')
  })

  it('needsRehash: true for another cost or a non-argon2id hash, false for the current cost', async () => {
    const hasher = new PasswordHasher(NEW)
    expect(hasher.needsRehash(await hasher.hash('some-password'))).toBe(false)
    expect(hasher.needsRehash(await new PasswordHasher(OLD).hash('some-password'))).toBe(true)
    expect(hasher.needsRehash('$2b$10$abcdefghijklmnopqrstuv')).toBe(true)
  })
})
