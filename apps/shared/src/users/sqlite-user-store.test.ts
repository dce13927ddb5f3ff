import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { manualClock } from '../clock.js'
import { migrate } from '../db/migrate.js'
import { openDatabase } from '../db/open-database.js'
import { StoreCounters } from '../db/store-counters.js'
import { testDir } from '../db/test-dir.js'
import { PasswordHasher, TEST_COST } from './password.js'
import { userMigrations } from './schema.js'
import { SqliteUserStore } from './sqlite-user-store.js'
import { UserStoreError } from './user-store.js'

function setup() {
  const dir = testDir('auth-lab-users-') // removed when the test ends
  const db = openDatabase(join(dir, 'nested', 'test.db'))
  migrate(db, 'users', userMigrations)
  const counters = new StoreCounters()
  const clock = manualClock()
  return {
    db,
    counters,
    clock,
    users: new SqliteUserStore(db, new PasswordHasher(TEST_COST), counters, clock),
  }
}

describe('SqliteUserStore', () => {
  it('opens the file with WAL, synchronous=NORMAL and foreign keys, creating the directory', () => {
    const { db } = setup()
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal')
    expect(db.pragma('synchronous', { simple: true })).toBe(1)
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1)
  })

  it('normalises usernames (NFKC + lower case) and keeps them unique', async () => {
    const { users } = setup()
    const u = await users.create({ username: 'Ａlice', password: 'password-1' })
    expect(u.username).toBe('alice')
    await expect(users.create({ username: 'ALICE', password: 'password-2' })).rejects.toMatchObject({
      code: 'username_taken',
    })
    expect(users.findByUsername('alice')?.id).toBe(u.id)
  })

  it('refuses bad usernames and passwords', async () => {
    const { users } = setup()
    for (const username of ['ab', 'a'.repeat(65), "alice'--", 'ali\u200bce', 'al ice']) {
      await expect(users.create({ username, password: 'password-1' })).rejects.toBeInstanceOf(UserStoreError)
    }
    await expect(users.create({ username: 'shorty', password: 'short' })).rejects.toMatchObject({
      code: 'invalid_password',
    })
    await expect(users.create({ username: 'longy', password: 'x'.repeat(257) })).rejects.toMatchObject({
      code: 'invalid_password',
    })
    // A lone surrogate would be hashed as U+FFFD (no UTF-8 form): refused, not altered. Pairs (emoji) are fine.
    await expect(users.create({ username: 'lone', password: 'pass\ud800word' })).rejects.toMatchObject({
      code: 'invalid_password',
    })
    await expect(users.create({ username: 'emoji', password: 'pass😀word' })).resolves.toBeDefined()
  })

  it('stores only an argon2id hash and returns it only through findCredentials', async () => {
    const { users, db } = setup()
    const u = await users.create({ username: 'bob', password: 'bob-password' })
    expect(JSON.stringify(u)).not.toContain('argon2')
    const raw = db.prepare('SELECT password_hash FROM users WHERE id = ?').pluck().get(u.id) as string
    expect(raw.startsWith('$argon2id$')).toBe(true)
    expect(users.findCredentials('bob')?.passwordHash).toBe(raw)
  })

  it('bumps token_version, disables, and stamps updated_at from the clock', async () => {
    const { users, clock } = setup()
    const u = await users.create({ username: 'carol', password: 'carol-password' })
    clock.advance(5000)
    expect(users.bumpTokenVersion(u.id)).toBe(1)
    expect(users.bumpTokenVersion(u.id)).toBe(2)
    users.setDisabled(u.id, true)
    const after = users.findById(u.id)!
    // Disabling ends every credential: the epoch and token_version move on with it.
    expect(after).toMatchObject({ tokenVersion: 3, credentialEpoch: 1, disabled: true })
    users.setDisabled(u.id, false)
    expect(users.findById(u.id)).toMatchObject({ tokenVersion: 3, credentialEpoch: 1, disabled: false })
    expect(after.updatedAt - after.createdAt).toBe(5000)
  })

  it('endCredentials bumps the credential epoch and token_version together', async () => {
    const { users } = setup()
    const u = await users.create({ username: 'dave', password: 'dave-password' })
    expect(u.credentialEpoch).toBe(0)
    expect(users.endCredentials(u.id)).toEqual({ credentialEpoch: 1, tokenVersion: 1 })
    expect(users.endCredentials(u.id)).toEqual({ credentialEpoch: 2, tokenVersion: 2 })
    expect(users.findById(u.id)).toMatchObject({ credentialEpoch: 2, tokenVersion: 2 })
  })

  it('changePassword writes only over the hash that was verified, and never for a disabled user', async () => {
    const { users } = setup()
    const u = await users.create({ username: 'erin', password: 'erin-password' })
    const verified = users.findCredentials('erin')!.passwordHash
    // Two changes checked against the same hash: the first wins and ends every credential, the second finds
    // another hash and changes nothing (review finding R1: both used to succeed, the last write winning).
    expect(users.changePassword(u.id, verified, 'hash-one')).toEqual({ credentialEpoch: 1, tokenVersion: 1 })
    expect(users.changePassword(u.id, verified, 'hash-two')).toBeNull()
    expect(users.findCredentials('erin')!.passwordHash).toBe('hash-one')
    // A disable landing while the new hash was computed wins (review of the fix): nothing stored.
    users.setDisabled(u.id, true)
    expect(users.changePassword(u.id, 'hash-one', 'hash-three')).toBeNull()
    expect(users.findCredentials('erin')!.passwordHash).toBe('hash-one')
  })

  it('seeds a thousand users in one transaction, skipping existing names', async () => {
    const { users } = setup()
    await users.create({ username: 'seed1', password: 'password-1' })
    const hash = await new PasswordHasher(TEST_COST).hash('password-1')
    const names = Array.from({ length: 1000 }, (_, i) => `seed${i + 1}`)
    expect(users.createMany(names, hash)).toBe(999)
    expect(users.count()).toBe(1000)
  })

  it('counts every read and write', async () => {
    const { users, counters } = setup()
    await users.create({ username: 'dave', password: 'password-1' })
    const before = { r: counters.get('read', 'users'), w: counters.get('write', 'users') }
    users.findByUsername('dave')
    users.findById(1)
    expect(counters.get('read', 'users') - before.r).toBe(2)
    expect(counters.get('write', 'users') - before.w).toBe(0)
  })

  // Session 10 review: the id of a deleted user was handed to the next user (SQLite's max(id) + 1), and the deleted
  // user's live access tokens, Redis sessions and Redis refresh families authenticated as the new user.
  it('never reuses the id of a deleted user, whoever inserts', async () => {
    const { db, users } = setup()
    const a = await users.create({ username: 'alice', password: 'password-1' })
    const b = await users.create({ username: 'bob', password: 'password-2' })
    db.prepare('DELETE FROM users WHERE id = ?').run(b.id)
    const c = await users.create({ username: 'carol', password: 'password-3' })
    expect(c.id).toBe(b.id + 1)
    db.prepare('DELETE FROM users WHERE id = ?').run(c.id)
    expect(users.createMany(['dave', 'erin'], 'x')).toBe(2)
    expect(users.findByUsername('dave')!.id).toBe(c.id + 1)
    expect(users.findByUsername('erin')!.id).toBe(c.id + 2)
    db.prepare('DELETE FROM users WHERE id = ?').run(users.findByUsername('erin')!.id)
    // A writer that is not the store (an operator's INSERT) gets SQLite's max(id) + 1 — a retired id: refused.
    const insert = db.prepare(
      "INSERT INTO users (username, password_hash, created_at, updated_at) VALUES ('frank', 'x', 0, 0)",
    )
    expect(() => insert.run()).toThrow(/user id retired/)
    expect(users.findById(a.id)!.username).toBe('alice')
  })
})
