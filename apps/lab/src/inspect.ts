import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import Database from 'better-sqlite3'

/**
 * What the servers store for one user right now, read from the shared SQLite file with a READ-ONLY handle
 * (better-sqlite3 `readonly: true`: the lab can never change what it shows). Every value the page needs to explain
 * a mechanism, and no secret: session rows are keyed by SHA-256(session ID) and refresh tokens are stored as
 * SHA-256 only, so the hashes are safe to show; the key file's secrets are never read into the answer (kid only).
 * Times are epoch ms (the apps store ms).
 */
export interface SessionRowView {
  idHash: string
  handle: string
  createdAt: number
  lastSeenAt: number
  expiresAt: number
  absoluteExpiresAt: number
  userAgent: string | null
}

export interface RefreshTokenView {
  hash: string
  parentHash: string | null
  createdAt: number
  expiresAt: number
  usedAt: number | null
}

export interface FamilyView {
  id: string
  tokenVersion: number
  createdAt: number
  lastUsedAt: number
  absoluteExpiresAt: number
  revokedAt: number | null
  revokedReason: string | null
  userAgent: string | null
  lastRotatedHash: string | null
  chain: RefreshTokenView[]
}

export interface UserView {
  id: number
  username: string
  tokenVersion: number
  disabled: boolean
}

export interface KeyView {
  kid: string
  alg: string
  createdAt: number
  file: string
  current: boolean
}

const MAX_FAMILIES = 8
const MAX_CHAIN = 12

export class Inspector {
  private db: Database.Database | null = null

  constructor(
    private readonly dbPath: string,
    private readonly keysDir: string,
  ) {}

  /** Opened on first use: the file and its tables exist only once the children have migrated it. */
  private handle(): Database.Database {
    if (!this.db) this.db = new Database(this.dbPath, { readonly: true, fileMustExist: true })
    return this.db
  }

  close(): void {
    this.db?.close()
    this.db = null
  }

  user(username: string): UserView | null {
    const row = this.handle()
      .prepare<[string], { id: number; username: string; token_version: number; disabled: number }>(
        'SELECT id, username, token_version, disabled FROM users WHERE username = ?',
      )
      .get(username.trim().toLowerCase())
    return row
      ? { id: row.id, username: row.username, tokenVersion: row.token_version, disabled: row.disabled === 1 }
      : null
  }

  sessions(userId: number): SessionRowView[] {
    return this.handle()
      .prepare<[number], Record<string, string | number | null>>(
        `SELECT id_hash, handle, created_at, last_seen_at, expires_at, absolute_expires_at, user_agent
         FROM sessions WHERE user_id = ? ORDER BY created_at DESC LIMIT 20`,
      )
      .all(userId)
      .map((r) => ({
        idHash: String(r.id_hash),
        handle: String(r.handle),
        createdAt: Number(r.created_at),
        lastSeenAt: Number(r.last_seen_at),
        expiresAt: Number(r.expires_at),
        absoluteExpiresAt: Number(r.absolute_expires_at),
        userAgent: r.user_agent === null ? null : String(r.user_agent),
      }))
  }

  /** The user's most recent refresh families, each with its rotation chain (oldest token first). */
  families(userId: number): FamilyView[] {
    const db = this.handle()
    const chain = db.prepare<[string, number], Record<string, string | number | null>>(
      `SELECT lower(hex(hash)) AS hash, lower(hex(parent_hash)) AS parent, created_at, expires_at, used_at
       FROM refresh_tokens WHERE family_id = ? ORDER BY created_at DESC, rowid DESC LIMIT ?`,
    )
    return db
      .prepare<[number, number], Record<string, string | number | null>>(
        `SELECT id, token_version, created_at, last_used_at, absolute_expires_at, revoked_at, revoked_reason,
           user_agent, lower(hex(last_rotated_hash)) AS last_rotated
         FROM refresh_families WHERE user_id = ? ORDER BY created_at DESC LIMIT ?`,
      )
      .all(userId, MAX_FAMILIES)
      .map((f) => ({
        id: String(f.id),
        tokenVersion: Number(f.token_version),
        createdAt: Number(f.created_at),
        lastUsedAt: Number(f.last_used_at),
        absoluteExpiresAt: Number(f.absolute_expires_at),
        revokedAt: f.revoked_at === null ? null : Number(f.revoked_at),
        revokedReason: f.revoked_reason === null ? null : String(f.revoked_reason),
        userAgent: f.user_agent === null ? null : String(f.user_agent),
        lastRotatedHash: f.last_rotated ? String(f.last_rotated) : null,
        chain: chain
          .all(String(f.id), MAX_CHAIN)
          .reverse()
          .map((t) => ({
            hash: String(t.hash),
            parentHash: t.parent ? String(t.parent) : null,
            createdAt: Number(t.created_at),
            expiresAt: Number(t.expires_at),
            usedAt: t.used_at === null ? null : Number(t.used_at),
          })),
      }))
  }

  /** Live deny-list entries: the user's revoked devices (`sid:`) and every revoked single token (`jti:`). */
  denylist(familyIds: readonly string[], now: number): { key: string; expiresAt: number }[] {
    const sids = new Set(familyIds.map((id) => `sid:${id}`))
    return this.handle()
      .prepare<[number], { key: string; expires_at: number }>(
        'SELECT key, expires_at FROM token_denylist WHERE expires_at > ? ORDER BY expires_at DESC LIMIT 200',
      )
      .all(now)
      .filter((r) => r.key.startsWith('jti:') || sids.has(r.key))
      .slice(0, 20)
      .map((r) => ({ key: r.key, expiresAt: r.expires_at }))
  }

  /** Key ids from the key files (`jwt-<ALG>.json`); the secrets and private keys stay in the file. */
  keys(): KeyView[] {
    if (!existsSync(this.keysDir)) return []
    const out: KeyView[] = []
    for (const file of readdirSync(this.keysDir).filter((f) => /^jwt-[A-Za-z0-9]+\.json$/.test(f))) {
      try {
        const parsed = JSON.parse(readFileSync(join(this.keysDir, file), 'utf8')) as {
          current?: string
          keys?: { kid: string; alg: string; createdAt: number }[]
        }
        for (const k of parsed.keys ?? []) {
          out.push({
            kid: k.kid,
            alg: k.alg,
            createdAt: k.createdAt,
            file,
            current: k.kid === parsed.current,
          })
        }
      } catch {
        // a half-written file during a rotation: show nothing rather than fail the page
      }
    }
    return out
  }
}
