import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import Database from 'better-sqlite3'

export type Db = Database.Database

/**
 * Opens the shared SQLite file with the pragmas both apps rely on. `synchronous=NORMAL` is set explicitly: the
 * connection that switches a file to WAL otherwise keeps FULL, so a first boot would run slower than a restart.
 */
export function openDatabase(path: string, opts: { busyTimeoutMs?: number } = {}): Db {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true })
  const db = new Database(path, { timeout: opts.busyTimeoutMs ?? 5000 })
  if (path !== ':memory:') db.pragma('journal_mode = WAL')
  db.pragma('synchronous = NORMAL')
  db.pragma('foreign_keys = ON')
  db.pragma(`busy_timeout = ${opts.busyTimeoutMs ?? 5000}`)
  return db
}
