import type { Migration } from '@auth-lab/shared'

/**
 * Tables of the stateless app (namespace `stateless`, next to the shared `users` table). Times are epoch ms.
 * - refresh_families: one per login (a device). Revoking the family kills every refresh token in it.
 * - refresh_tokens: every refresh token ever issued, by SHA-256 only (the raw value is never stored, so a copy
 *   of the file cannot be replayed). Used tokens are kept: presenting one again is how theft is detected.
 * - token_denylist: revoked access tokens (`jti:<jti>`) and revoked devices (`sid:<family>`), each kept until
 *   the last access token it can concern has expired, then purged.
 */
export const statelessMigrations: readonly Migration[] = [
  {
    version: 1,
    name: 'refresh families, refresh tokens, deny-list',
    up: `
    CREATE TABLE refresh_families (
      id TEXT PRIMARY KEY,
      user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
      token_version INTEGER NOT NULL,
      created_at INTEGER NOT NULL,
      last_used_at INTEGER NOT NULL,
      absolute_expires_at INTEGER NOT NULL,
      last_rotated_hash BLOB,
      revoked_at INTEGER,
      revoked_reason TEXT,
      user_agent TEXT,
      ip TEXT
    ) STRICT;
    CREATE INDEX refresh_families_user ON refresh_families (user_id);
    CREATE INDEX refresh_families_expiry ON refresh_families (absolute_expires_at);
    CREATE TABLE refresh_tokens (
      hash BLOB PRIMARY KEY,
      family_id TEXT NOT NULL REFERENCES refresh_families(id) ON DELETE CASCADE,
      parent_hash BLOB,
      created_at INTEGER NOT NULL,
      expires_at INTEGER NOT NULL,
      used_at INTEGER
    ) STRICT;
    CREATE INDEX refresh_tokens_family ON refresh_tokens (family_id);
    CREATE TABLE token_denylist (
      key TEXT PRIMARY KEY,
      expires_at INTEGER NOT NULL
    ) STRICT;
    CREATE INDEX token_denylist_expiry ON token_denylist (expires_at);`,
  },
  {
    // F2: the user's credential epoch when the family (device) was created. A password change, disable or
    // logout-everywhere in EITHER app bumps users.credential_epoch; rotation already joins users, so the check is free.
    version: 2,
    name: 'refresh_families.credential_epoch',
    up: 'ALTER TABLE refresh_families ADD COLUMN credential_epoch INTEGER NOT NULL DEFAULT 0',
  },
  {
    // Session 10 review RB1: each rotation leaves its used token for REFRESH_TTL (reuse detection needs it), and a
    // rotation costs a client nothing, so one cookie in a loop grew refresh_tokens without limit. A per-family token
    // bucket bounds it: `rotation_budget` rotations left as of `rotation_budget_at` (NULL = a full bucket).
    version: 3,
    name: 'refresh_families.rotation_budget',
    up: `ALTER TABLE refresh_families ADD COLUMN rotation_budget REAL;
    ALTER TABLE refresh_families ADD COLUMN rotation_budget_at INTEGER;`,
  },
  {
    // Session 11: the purge deletes in batches (shared deleteInBatches) so it never holds the event loop for long
    // (one statement over 300,000 used tokens took 742 ms). A batch must reach its rows through an index, or every
    // batch rescans the rows it keeps: used tokens by expiry, revoked families by revocation time. Partial indexes,
    // so the live tokens (used_at NULL) and live families (revoked_at NULL) are not in them.
    version: 4,
    name: 'purge indexes',
    up: `CREATE INDEX refresh_tokens_used_expiry ON refresh_tokens (expires_at) WHERE used_at IS NOT NULL;
    CREATE INDEX refresh_families_revoked ON refresh_families (revoked_at) WHERE revoked_at IS NOT NULL;`,
  },
]
