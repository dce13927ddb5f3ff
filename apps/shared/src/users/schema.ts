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
]
