import type { Migration } from '../db/migrate.js'

export const userMigrations: readonly Migration[] = [
  {
    version: 1,
    name: 'create users',
    up: `CREATE TABLE users (
      id INTEGER PRIMARY KEY,
      username TEXT NOT NULL UNIQUE,
      password_hash TEXT NOT NULL,
      role TEXT NOT NULL DEFAULT 'user' CHECK (role IN ('user', 'admin')),
      token_version INTEGER NOT NULL DEFAULT 0,
      disabled INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
      created_at INTEGER NOT NULL,
      updated_at INTEGER NOT NULL
    ) STRICT`,
  },
  {
    // The credential epoch: one counter per user that BOTH apps honour. A password change, a disable or "log out
    // everywhere" in either app bumps it; every session row, refresh family and access token records the epoch it
    // was issued under and is dead once the user's epoch moved on (docs/security.md, F2). Separate from
    // token_version, which the stateless app's `version` mode also bumps to revoke a single device.
    version: 2,
    name: 'users.credential_epoch',
    up: 'ALTER TABLE users ADD COLUMN credential_epoch INTEGER NOT NULL DEFAULT 0',
  },
  {
    // Session 10 review: user ids are never reused. `id INTEGER PRIMARY KEY` hands a new row max(id) + 1, so after
    // the newest user was deleted the next user got the SAME id, and every credential the deleted user still held
    // (an access token under `denylist`/`version`, a Redis refresh family, a Redis or memory session — none of them
    // cascade with the SQLite row) authenticated as the new user: both carry epoch 0 and version 0. AUTOINCREMENT
    // would need a table rebuild (which, with foreign keys on, would cascade-delete every session and family), so
    // a deleted id is remembered in `users_retired`: the store's inserts pick an id above every live and retired
    // one, and any other writer that tries a retired id is refused.
    version: 3,
    name: 'users_retired: deleted user ids are never reused',
    up: `CREATE TABLE users_retired (id INTEGER PRIMARY KEY) STRICT;
    CREATE TRIGGER users_retire AFTER DELETE ON users
      BEGIN INSERT OR IGNORE INTO users_retired (id) VALUES (OLD.id); END;
    CREATE TRIGGER users_no_id_reuse AFTER INSERT ON users
      WHEN EXISTS (SELECT 1 FROM users_retired WHERE id = NEW.id)
      BEGIN SELECT RAISE(ABORT, 'user id retired: ids of deleted users are never reused'); END;`,
  },
]

/** The id for a new user: above every live and every deleted (retired) id, so no credential can outlive its user. */
export const NEXT_USER_ID = `(SELECT MAX(COALESCE((SELECT MAX(id) FROM users), 0),
  COALESCE((SELECT MAX(id) FROM users_retired), 0)) + 1)`
