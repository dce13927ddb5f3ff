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

  it('purge deletes a backlog in batches through its indexes: used expired tokens, revoked and expired families', async () => {
    const store = storeOf(t)
    const db = t.deps.db
    const live = await store.create(alice())
    const families: string[] = []
    for (let i = 0; i < 25; i++) families.push((await store.create(alice())).familyId) // > FAMILY_BATCH
    // 1,200 used tokens of the live family, long expired (what a busy device leaves behind), written directly.
    const insert = db.prepare(
      'INSERT INTO refresh_tokens (hash, family_id, parent_hash, created_at, expires_at, used_at) VALUES (?, ?, NULL, 0, 1, 1)',
    )
    db.transaction(() => {
      for (let i = 0; i < 1200; i++) insert.run(Buffer.from(`old-${i}`), live.familyId)
    })()
    // 12 families revoked long ago, 13 past their absolute expiry.
    const revoke = db.prepare('UPDATE refresh_families SET revoked_at = 1 WHERE id = ?')
    const expire = db.prepare('UPDATE refresh_families SET absolute_expires_at = 1 WHERE id = ?')
    for (const [i, id] of families.entries()) (i < 12 ? revoke : expire).run(id)
    const plan = (sql: string, ...args: unknown[]) =>
      (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...args) as { detail: string }[])
        .map((p) => p.detail)
        .join('\n')
    expect(
      plan('SELECT rowid FROM refresh_tokens WHERE expires_at <= ? AND used_at IS NOT NULL LIMIT ?', 5, 500),
    ).toMatch(/INDEX refresh_tokens_used_expiry/)
    expect(
      plan(
        'SELECT rowid FROM refresh_families WHERE revoked_at IS NOT NULL AND revoked_at <= ? LIMIT ?',
        5,
        10,
      ),
    ).toMatch(/INDEX refresh_families_revoked/)
    expect(plan('SELECT rowid FROM refresh_families WHERE absolute_expires_at <= ? LIMIT ?', 5, 10)).toMatch(
      /INDEX refresh_families_expiry/,
    )
    t.clock.advance(61_000) // revoked families are kept one REFRESH_TTL (60 s here) after revocation
    expect(await store.purge()).toBe(1200 + 25)
    expect(db.prepare('SELECT id FROM refresh_families').pluck().all()).toEqual([live.familyId])
    // The live family's current token (unused: kept until its family goes, whatever its own expiry).
    expect(db.prepare('SELECT family_id FROM refresh_tokens').pluck().all()).toEqual([live.familyId])
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
