import { describe, expect, it } from 'vitest'
import { migrate } from '../db/migrate.js'
import { openDatabase } from '../db/open-database.js'
import { userMigrations } from './schema.js'
import { userColumns, userFromRow } from './user-row.js'

describe('userColumns / userFromRow', () => {
  it('maps a joined row with prefixed columns, and a missing user to null', () => {
    const db = openDatabase(':memory:')
    migrate(db, 'users', userMigrations)
    db.prepare(
      `INSERT INTO users (username, password_hash, role, disabled, created_at, updated_at)
       VALUES ('alice', 'x', 'admin', 1, 10, 20)`,
    ).run()
    db.exec('CREATE TABLE things (id INTEGER PRIMARY KEY, user_id INTEGER)')
    db.exec('INSERT INTO things (id, user_id) VALUES (1, 1), (2, 99)')
    const sql = `SELECT t.id, ${userColumns('u')} FROM things t LEFT JOIN users u ON u.id = t.user_id WHERE t.id = ?`
    const hit = db.prepare(sql).get(1) as object
    expect(userFromRow(hit, 'u_')).toEqual({
      id: 1,
      username: 'alice',
      role: 'admin',
      tokenVersion: 0,
      credentialEpoch: 0,
      disabled: true,
      createdAt: 10,
      updatedAt: 20,
    })
    expect(userFromRow(db.prepare(sql).get(2) as object, 'u_')).toBeNull()
    expect(userFromRow(db.prepare('SELECT * FROM users').get() as object)?.username).toBe('alice')
  })
})
