import type { User } from '@auth-lab/shared'
import {
  manualClock,
  migrate,
  openDatabase,
  PasswordHasher,
  publicUser,
  SqliteUserStore,
  StoreCounters,
  TEST_COST,
  userMigrations,
} from '@auth-lab/shared'
import { describe, expect, it } from 'vitest'
import type { RevocationMode } from '../../config.js'
import type { VerifiedAccess } from '../access-token.js'
import { RefreshTokens } from '../refresh-token.js'
import { statelessMigrations } from '../schema.js'
import type { RevocationWiring } from './index.js'
import { openRevocation } from './index.js'

/**
 * The three strategies on their own, without Hono or tokens: a verified token is a plain value here, so each test
 * states exactly what a mode reads, writes and refuses. The app-level view of the same modes is src/revocation.test.ts.
 */
const ACCESS_TTL = 900
const TOLERANCE = 5

async function setup(mode: RevocationMode, over: Partial<RevocationWiring> = {}) {
  const db = openDatabase(':memory:')
  migrate(db, 'users', userMigrations)
  migrate(db, 'stateless', statelessMigrations)
  const counters = new StoreCounters()
  const clock = manualClock(Date.UTC(2026, 0, 1, 12))
  const users = new SqliteUserStore(db, new PasswordHasher(TEST_COST), counters, clock)
  const alice = await users.create({ username: 'alice', password: 'alice-password' })
  const bob = await users.create({ username: 'bob', password: 'bob-password' })
  const refresh = new RefreshTokens(db, counters, clock, {
    ttl: 600,
    absoluteTtl: 3600,
    grace: 0,
    maxFamiliesPerUser: 50,
  })
  const revocation = openRevocation(mode, {
    db,
    counters,
    clock,
    users,
    refresh,
    accessTtl: ACCESS_TTL,
    clockTolerance: TOLERANCE,
    ...over,
  })
  /** A token as the verifier would hand it over: issued now to `user` on device `sid`. */
  const token = (user: User, sid: string, jti = `jti-${sid}`): VerifiedAccess => {
    const iat = Math.floor(clock() / 1000)
    const current = users.findById(user.id)!
    return {
      user: publicUser(current),
      tokenVersion: current.tokenVersion,
      credentialEpoch: current.credentialEpoch,
      sid,
      jti,
      iat,
      exp: iat + ACCESS_TTL,
      alg: 'HS256',
      kid: 'test-kid',
    }
  }
  /** Store operations performed by `fn`. */
  const opsOf = async (fn: () => unknown) => {
    const before = { reads: counters.get('read'), writes: counters.get('write') }
    await fn()
    return { reads: counters.get('read') - before.reads, writes: counters.get('write') - before.writes }
  }
  const denylistRows = () => db.prepare('SELECT COUNT(*) FROM token_denylist').pluck().get() as number
  return { db, clock, users, refresh, revocation, alice, bob, token, opsOf, denylistRows }
}

describe('openRevocation', () => {
  it.each(['none', 'denylist', 'version'] as const)('builds the %s strategy', async (mode) => {
    const { revocation } = await setup(mode)
    expect(revocation.mode).toBe(mode)
  })
})

describe('none', () => {
  it('serves the claims with zero store access, and nothing reaches a live token', async () => {
    const { revocation, alice, token, opsOf, denylistRows } = await setup('none')
    const t = token(alice, 'fam-1')
    expect(await opsOf(async () => expect(await revocation.check(t)).toEqual(t.user))).toEqual({
      reads: 0,
      writes: 0,
    })
    const hooks = await opsOf(async () => {
      await revocation.onLogout(t)
      await revocation.cut(alice.id, ['fam-1'])
      await revocation.onStale(alice.id, 'fam-1')
      await revocation.onLogoutAll(alice.id, ['fam-1'])
    })
    expect(hooks).toEqual({ reads: 0, writes: 0 })
    expect(await revocation.check(t)).toEqual(t.user) // the documented trade-off: valid until exp
    expect(denylistRows()).toBe(0)
    expect(await revocation.purge()).toBe(0)
  })
})

describe('denylist', () => {
  it('check is exactly one read of the deny-list and serves the claims', async () => {
    const { revocation, alice, token, opsOf } = await setup('denylist')
    const t = token(alice, 'fam-1')
    expect(await opsOf(async () => expect(await revocation.check(t)).toEqual(t.user))).toEqual({
      reads: 1,
      writes: 0,
    })
  })

  it('onLogout cuts that one token until its exp + tolerance; the device’s other tokens stay', async () => {
    const { db, clock, revocation, alice, token } = await setup('denylist')
    const t = token(alice, 'fam-1', 'jti-a')
    const sibling = token(alice, 'fam-1', 'jti-b')
    await revocation.onLogout(t)
    expect(await revocation.check(t)).toBeNull()
    expect(await revocation.check(sibling)).toEqual(sibling.user)
    expect(db.prepare('SELECT key, expires_at FROM token_denylist').all()).toEqual([
      { key: 'jti:jti-a', expires_at: (t.exp + TOLERANCE) * 1000 },
    ])
    clock.set((t.exp + TOLERANCE) * 1000)
    expect(await revocation.purge()).toBe(1)
  })

  it('cut and onStale list the device (sid) for ACCESS_TTL + tolerance: every token of it is refused', async () => {
    const { clock, revocation, alice, bob, token, denylistRows } = await setup('denylist')
    const [a1, a2, other, b] = [
      token(alice, 'fam-1', 'x'),
      token(alice, 'fam-1', 'y'),
      token(alice, 'fam-2'),
      token(bob, 'fam-3'),
    ]
    await revocation.cut(alice.id, ['fam-1'])
    expect(await revocation.check(a1)).toBeNull()
    expect(await revocation.check(a2)).toBeNull()
    expect(await revocation.check(other)).toEqual(other.user)
    await revocation.onStale(bob.id, 'fam-3')
    expect(await revocation.check(b)).toBeNull()
    expect(denylistRows()).toBe(2)
    clock.advance((ACCESS_TTL + TOLERANCE) * 1000 - 1)
    expect(await revocation.purge()).toBe(0) // still covering tokens issued just before the cut
    clock.advance(1)
    expect(await revocation.purge()).toBe(2)
    expect(denylistRows()).toBe(0)
  })

  it('onLogoutAll lists every revoked family; nothing to revoke writes nothing', async () => {
    const { revocation, alice, token, opsOf } = await setup('denylist')
    const [p, q] = [token(alice, 'fam-1'), token(alice, 'fam-2')]
    await revocation.onLogoutAll(alice.id, ['fam-1', 'fam-2'])
    expect(await revocation.check(p)).toBeNull()
    expect(await revocation.check(q)).toBeNull()
    expect(await opsOf(async () => await revocation.onLogoutAll(alice.id, []))).toEqual({
      reads: 0,
      writes: 0,
    })
    expect(await opsOf(async () => await revocation.cut(alice.id, []))).toEqual({ reads: 0, writes: 0 })
  })
})

describe('version', () => {
  it('check is exactly one read of the users row and serves the row’s current data', async () => {
    const { revocation, users, alice, token, opsOf } = await setup('version')
    const t = token(alice, 'fam-1')
    expect(await opsOf(async () => expect(await revocation.check(t)).toEqual(publicUser(alice)))).toEqual({
      reads: 1,
      writes: 0,
    })
    users.setDisabled(alice.id, true)
    expect(await revocation.check(t)).toBeNull()
    users.setDisabled(alice.id, false)
    expect(await revocation.check({ ...t, tokenVersion: t.tokenVersion + 1 })).toBeNull()
    expect(await revocation.check({ ...t, user: { ...t.user, id: 999 } })).toBeNull()
  })

  it('cut bumps the version (every token of the user dies) and restamps the other live families', async () => {
    const { db, revocation, refresh, users, alice, bob, token } = await setup('version')
    const phone = await refresh.create(alice)
    const laptop = await refresh.create(alice)
    const bobs = await refresh.create(bob)
    await refresh.revokeFamily(phone.familyId, 'logout')
    const [t, b] = [token(alice, phone.familyId), token(bob, bobs.familyId)]
    await revocation.cut(alice.id, [phone.familyId])
    expect(users.findById(alice.id)!.tokenVersion).toBe(alice.tokenVersion + 1)
    expect(await revocation.check(t)).toBeNull()
    expect(await revocation.check(b)).toEqual(b.user)
    const versions = Object.fromEntries(
      (
        db.prepare('SELECT id, token_version FROM refresh_families').all() as {
          id: string
          token_version: number
        }[]
      ).map((r) => [r.id, r.token_version]),
    )
    expect(versions).toEqual({
      [phone.familyId]: alice.tokenVersion, // revoked: left behind
      [laptop.familyId]: alice.tokenVersion + 1, // live: carried over, recovers with one refresh
      [bobs.familyId]: bob.tokenVersion,
    })
    expect((await refresh.rotate(laptop.token)).ok).toBe(true)
  })

  it('bump and restamp are one transaction: a failed restamp leaves the version untouched', async () => {
    const failing = {
      restampLive: async () => {},
      restampLiveNow: () => {
        throw new Error('disk full')
      },
    }
    const { revocation, users, alice } = await setup('version', { refresh: failing })
    await expect(revocation.cut(alice.id, ['fam-1'])).rejects.toThrow('disk full')
    expect(users.findById(alice.id)!.tokenVersion).toBe(alice.tokenVersion)
  })

  it('needs nothing more for stale families, logout tokens, logout-all or purge', async () => {
    const { revocation, alice, token, opsOf } = await setup('version')
    const t = token(alice, 'fam-1')
    const hooks = await opsOf(async () => {
      await revocation.onStale(alice.id, 'fam-1')
      await revocation.onLogout(t)
      await revocation.onLogoutAll(alice.id, ['fam-1'])
      await revocation.cut(alice.id, [])
    })
    expect(hooks).toEqual({ reads: 0, writes: 0 })
    expect(await revocation.check(t)).toEqual(t.user)
    expect(await revocation.purge()).toBe(0)
  })
})
