import type { Migration } from '@auth-lab/shared'

/**
 * The `stateful` migrations. Rows are keyed by SHA-256 of the session ID (never the ID), carry both expiries so the
 * server (not the cookie) decides when a session is over, and cascade away with their user.
 */
export const sessionMigrations: readonly Migration[] = [
  {
    version: 1,
    name: 'create sessions',
    up: `CREATE TABLE sessions (
      id_hash TEXT PRIMARY KEY,
      handle TEXT NOT NULL UNIQUE,
      user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
      data TEXT NOT NULL DEFAULT '{}',
      created_at INTEGER NOT NULL,
      last_seen_at INTEGER NOT NULL,
      expires_at INTEGER NOT NULL,
      absolute_expires_at INTEGER NOT NULL,
      user_agent TEXT,
      ip TEXT
    ) STRICT, WITHOUT ROWID;
    CREATE INDEX sessions_user ON sessions (user_id);
    CREATE INDEX sessions_expires ON sessions (expires_at);
    CREATE INDEX sessions_absolute_expires ON sessions (absolute_expires_at);`,
  },
  {
    // F2: the user's credential epoch at creation. A password change, disable or logout-everywhere in EITHER app
    // bumps users.credential_epoch; the lookup already joins users, so comparing costs no extra read.
    version: 2,
    name: 'sessions.credential_epoch',
    up: 'ALTER TABLE sessions ADD COLUMN credential_epoch INTEGER NOT NULL DEFAULT 0',
  },
]
