import { createHash } from 'node:crypto'
import { existsSync, readFileSync } from 'node:fs'
import Database from 'better-sqlite3'

/**
 * Gray-box view of a running server's SQLite file, opened read-only for each look (no long read transaction keeps
 * the WAL from checkpointing). Used for the catalogue's "nothing lost" checks: users unchanged (every hash), no rows
 * created or revoked beyond what a case expects.
 */
export interface UserRowSnapshot {
  id: number
  username: string
  password_hash: string
  token_version: number
  disabled: number
}

export interface DbSnapshot {
  users: Map<number, UserRowSnapshot>
  /** Per table (schema_migrations and users excluded): row count, a digest of the rows' content, and the rows. */
  tables: Map<string, { count: number; digest: string; rows: Set<string> }>
}

/** Columns that legitimately move on a read-only request (sliding expiry written at most once a minute). */
const VOLATILE = /^(last_seen_at|last_used_at|expires_at|idle_expires_at|accessed_at|data)$/

export function withDb<T>(dbPath: string, fn: (db: Database.Database) => T): T {
  const db = new Database(dbPath, { readonly: true, fileMustExist: true })
  try {
    return fn(db)
  } finally {
    db.close()
  }
}

/** A writable connection for case set-up steps the catalogue prescribes ("set users.disabled=1 in the DB"). */
export function withWritableDb<T>(dbPath: string, fn: (db: Database.Database) => T): T {
  const db = new Database(dbPath, { fileMustExist: true, timeout: 5000 })
  try {
    return fn(db)
  } finally {
    db.close()
  }
}

export function tableNames(db: Database.Database): string[] {
  return db
    .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
    .pluck()
    .all() as string[]
}

export function snapshot(dbPath: string): DbSnapshot {
  return withDb(dbPath, (db) => {
    const users = new Map<number, UserRowSnapshot>()
    for (const u of db
      .prepare('SELECT id, username, password_hash, token_version, disabled FROM users ORDER BY id')
      .all() as UserRowSnapshot[]) {
      users.set(u.id, u)
    }
    const tables = new Map<string, { count: number; digest: string; rows: Set<string> }>()
    for (const name of tableNames(db)) {
      // The login throttle's ledger (failures, leases) is bookkeeping about attempts, not stored credential state;
      // its Redis keys are left out of the Redis snapshot the same way (store-probe.ts).
      if (name === 'users' || name === 'schema_migrations' || name === 'login_throttle') continue
      const cols = (db.prepare(`PRAGMA table_info("${name}")`).all() as { name: string }[])
        .map((c) => c.name)
        .filter((c) => !VOLATILE.test(c))
      // Some tables are WITHOUT ROWID: serialise each row and sort, so the digest does not depend on scan order.
      const rows = (
        db
          .prepare(`SELECT ${cols.map((c) => `"${c}"`).join(', ')} FROM "${name}"`)
          .raw()
          .all() as unknown[][]
      )
        .map((r) =>
          JSON.stringify(r, (_k, v) =>
            Buffer.isBuffer(v) ? v.toString('hex') : typeof v === 'bigint' ? String(v) : v,
          ),
        )
        .sort()
      const digest = createHash('sha256').update(rows.join('\n')).digest('hex')
      tables.set(name, { count: rows.length, digest, rows: new Set(rows) })
    }
    return { users, tables }
  })
}

export interface SnapshotDiff {
  usersChanged: number[]
  usersAdded: number[]
  usersRemoved: number[]
  tablesChanged: { table: string; before: number; after: number }[]
  /** Tables where a row that existed before was changed or deleted (insertions alone do not count). */
  tablesTouched: { table: string; rows: number }[]
}

export function diffSnapshots(before: DbSnapshot, after: DbSnapshot): SnapshotDiff {
  const usersChanged: number[] = []
  const usersRemoved: number[] = []
  for (const [id, u] of before.users) {
    const a = after.users.get(id)
    if (!a) usersRemoved.push(id)
    else if (JSON.stringify(a) !== JSON.stringify(u)) usersChanged.push(id)
  }
  const usersAdded = [...after.users.keys()].filter((id) => !before.users.has(id))
  const tablesChanged: SnapshotDiff['tablesChanged'] = []
  const names = new Set([...before.tables.keys(), ...after.tables.keys()])
  for (const t of names) {
    const b = before.tables.get(t)
    const a = after.tables.get(t)
    if (b?.digest !== a?.digest) tablesChanged.push({ table: t, before: b?.count ?? 0, after: a?.count ?? 0 })
  }
  const tablesTouched: SnapshotDiff['tablesTouched'] = []
  for (const [t, b] of before.tables) {
    const a = after.tables.get(t)
    const gone = [...b.rows].filter((r) => !a?.rows.has(r)).length
    if (gone > 0) tablesTouched.push({ table: t, rows: gone })
  }
  return { usersChanged, usersAdded, usersRemoved, tablesChanged, tablesTouched }
}

/** Counts rows in every table that has a `user_id` column, for one user (sessions, families, tokens, …). */
export function rowsForUser(dbPath: string, userId: number): Record<string, number> {
  return withDb(dbPath, (db) => {
    const out: Record<string, number> = {}
    for (const name of tableNames(db)) {
      const cols = (db.prepare(`PRAGMA table_info("${name}")`).all() as { name: string }[]).map((c) => c.name)
      if (!cols.includes('user_id')) continue
      out[name] = db.prepare(`SELECT COUNT(*) FROM "${name}" WHERE user_id = ?`).pluck().get(userId) as number
    }
    return out
  })
}

/** Total row count of every table (users and schema_migrations included). */
export function rowCounts(dbPath: string): Record<string, number> {
  return withDb(dbPath, (db) => {
    const out: Record<string, number> = {}
    for (const name of tableNames(db))
      out[name] = db.prepare(`SELECT COUNT(*) FROM "${name}"`).pluck().get() as number
    return out
  })
}

/**
 * Whether a value occurs anywhere in the DB: every text or blob cell of every table is compared with the value, its
 * SHA-256 (hex and base64url) and, for blobs, the raw SHA-256 bytes. Used for "no row stored under the attacker's
 * ID" and "the raw refresh token is nowhere in the file, only its hash".
 */
export function findValue(dbPath: string, value: string): { raw: boolean; hashed: boolean } {
  const digest = createHash('sha256').update(value).digest()
  const forms = {
    raw: [value],
    hashed: [digest.toString('hex'), digest.toString('base64url'), digest.toString('base64')],
  }
  return withDb(dbPath, (db) => {
    let raw = false
    let hashed = false
    for (const name of tableNames(db)) {
      for (const row of db.prepare(`SELECT * FROM "${name}"`).raw().all() as unknown[][]) {
        for (const cell of row) {
          if (typeof cell === 'string') {
            if (cell.includes(value)) raw = true
            if (forms.hashed.includes(cell)) hashed = true
          } else if (Buffer.isBuffer(cell)) {
            if (cell.equals(digest)) hashed = true
            if (cell.toString('utf8') === value) raw = true
          }
        }
      }
    }
    return { raw, hashed }
  })
}

/** The raw bytes of the DB file (plus its WAL), for "the raw token string appears nowhere in the file". */
export function fileContains(dbPath: string, needle: string): boolean {
  for (const p of [dbPath, `${dbPath}-wal`]) {
    if (existsSync(p) && readFileSync(p).includes(Buffer.from(needle))) return true
  }
  return false
}
