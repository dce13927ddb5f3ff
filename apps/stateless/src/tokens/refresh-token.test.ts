import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { TestApp } from '../test-app.js'
import { testApp } from '../test-app.js'
import { RefreshTokens } from './refresh-token.js'

/** The refresh-token store on its own: rotation results, store counters, cross-connection atomicity, purge. */
let t: TestApp
beforeEach(async () => {
  t = await testApp({ env: { REFRESH_TTL: '60', REFRESH_ABSOLUTE_TTL: '120' } })
})
afterEach(() => t.close())

const alice = () => t.deps.users.findByUsername('alice')!
/** The store as deps.ts wires it, on the fixture's DB, counters and clock. */
const storeOf = (a: TestApp) =>
  new RefreshTokens(a.deps.db, a.deps.metrics.store, a.clock, a.deps.config.refresh)

describe('RefreshTokens', () => {
  it('rotate: ok, then the same token is reuse and the family is revoked', async () => {
    const store = storeOf(t)
    const first = await store.create(alice(), { userAgent: 'ua', ip: '127.0.0.1' })
    const r1 = await store.rotate(first.token)
    expect(r1).toMatchObject({ ok: true, grace: false, user: { username: 'alice' } })
    if (!r1.ok) throw new Error('unreachable')
    expect(r1.refresh.familyId).toBe(first.familyId)
    expect(await store.rotate(first.token)).toEqual({
      ok: false,
      reason: 'reused',
      familyId: first.familyId,
      userId: 1,
    })
    expect(await store.rotate(r1.refresh.token)).toEqual({ ok: false, reason: 'invalid' })
    expect(await store.listForUser(1)).toEqual([])
  })

  it('a malformed token is refused without touching the store', async () => {
    const store = storeOf(t)
    const reads = t.deps.metrics.store.get('read')
    for (const bad of ['', 'short', `${'a'.repeat(42)}=`, 'a'.repeat(44)]) {
      expect(await store.rotate(bad)).toEqual({ ok: false, reason: 'invalid' })
    }
    expect(t.deps.metrics.store.get('read')).toBe(reads)
  })

  it('counts every read and write by table', async () => {
    const store = storeOf(t)
    const c = t.deps.metrics.store
    const first = await store.create(alice())
    expect(c.get('write', 'refresh_families')).toBe(1)
    expect(c.get('write', 'refresh_tokens')).toBe(1)
    const before = {
      rt: c.get('read', 'refresh_tokens'),
      rf: c.get('read', 'refresh_families'),
      u: c.get('read', 'users'),
    }
    await store.rotate(first.token)
    expect(c.get('read', 'refresh_tokens')).toBe(before.rt + 1)
    expect(c.get('read', 'refresh_families')).toBe(before.rf + 1)
    expect(c.get('read', 'users')).toBe(before.u + 1)
    // consume + supersede + child insert on refresh_tokens, touch on refresh_families
    expect(c.get('write', 'refresh_tokens')).toBe(4)
    expect(c.get('write', 'refresh_families')).toBe(2)
  })

  it('is atomic across connections: a token rotated through one instance is reuse through another', async () => {
    const other = await testApp({
      env: { REFRESH_TTL: '60', REFRESH_ABSOLUTE_TTL: '120' },
      dir: t.dir,
      clock: t.clock,
    })
    try {
      const first = await storeOf(t).create(alice())
      expect((await storeOf(other).rotate(first.token)).ok).toBe(true)
      expect(await storeOf(t).rotate(first.token)).toMatchObject({ ok: false, reason: 'reused' })
    } finally {
      other.deps.db.close()
    }
  })

  it('purge drops families past their absolute expiry with their tokens, and keeps live ones', async () => {
    const store = storeOf(t)
    await store.create(alice())
    t.clock.advance(100_000)
    const live = await store.create(alice())
    t.clock.advance(30_000) // the first family is past its 120 s absolute expiry
    await store.purge()
    const families = t.deps.db.prepare('SELECT id FROM refresh_families').pluck().all()
    expect(families).toEqual([live.familyId])
    expect(t.deps.db.prepare('SELECT COUNT(*) FROM refresh_tokens').pluck().get()).toBe(1)
    expect((await store.rotate(live.token)).ok).toBe(true)
  })
})
