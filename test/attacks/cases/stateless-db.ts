import { createHash } from 'node:crypto'
import { withDb } from '@auth-lab/test'

/**
 * Gray-box reads of the stateless app's refresh tables (apps/stateless/src/tokens/schema.ts) for the catalogue's
 * NL/DB expectations: a refresh token is stored as SHA-256 bytes, in a family whose id the access token carries
 * as `sid`. Read-only; used after the black-box requests to confirm what the responses claim.
 */
export interface FamilyRow {
  id: string
  revoked_at: number | null
  revoked_reason: string | null
}

export function familyRow(dbPath: string, familyId: string): FamilyRow | undefined {
  return withDb(dbPath, (db) =>
    db.prepare('SELECT id, revoked_at, revoked_reason FROM refresh_families WHERE id = ?').get(familyId),
  ) as FamilyRow | undefined
}

export function tokenRow(
  dbPath: string,
  rt: string,
): { family_id: string; used_at: number | null } | undefined {
  const hash = createHash('sha256').update(rt).digest()
  return withDb(dbPath, (db) =>
    db.prepare('SELECT family_id, used_at FROM refresh_tokens WHERE hash = ?').get(hash),
  ) as { family_id: string; used_at: number | null } | undefined
}

/** Refresh tokens of a family that are neither used nor in a revoked family. */
export function liveTokens(dbPath: string, familyId: string): number {
  return withDb(dbPath, (db) =>
    db
      .prepare(
        `SELECT COUNT(*) FROM refresh_tokens t JOIN refresh_families f ON f.id = t.family_id
         WHERE t.family_id = ? AND t.used_at IS NULL AND f.revoked_at IS NULL`,
      )
      .pluck()
      .get(familyId),
  ) as number
}
