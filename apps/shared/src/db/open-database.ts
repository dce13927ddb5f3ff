import { chmodSync, closeSync, existsSync, mkdirSync, openSync, statSync } from 'node:fs'
import { dirname } from 'node:path'
import Database from 'better-sqlite3'

export type Db = Database.Database

export interface OpenOptions {
  busyTimeoutMs?: number
  /** Where permission warnings go (default console.warn); tests capture them. */
  warn?: (message: string) => void
}

/**
 * Opens the shared SQLite file with the pragmas both apps rely on. `synchronous=NORMAL` is set explicitly: the
 * connection that switches a file to WAL otherwise keeps FULL, so a first boot would run slower than a restart.
 *
 * File modes (issue 10, F7): the file holds every argon2 hash and refresh-token hash, so it is private to the
 * server's user whatever the umask. A missing directory is created 0700; the database file is created 0600 before
 * SQLite opens it, and SQLite gives its `-wal` and `-shm` files the mode of the database file. Existing files of
 * ours that are group/world-accessible are tightened to 0600. An existing directory is never chmod-ed (DB_PATH may
 * sit in a shared directory such as /tmp); when it is group/world-readable a warning says so — a warning, not a
 * refusal, because the files inside are 0600 and an open directory only shows their names.
 */
export function openDatabase(path: string, opts: OpenOptions = {}): Db {
  if (path !== ':memory:') securePaths(path, opts.warn ?? ((m) => console.warn(m)))
  const db = new Database(path, { timeout: opts.busyTimeoutMs ?? 5000 })
  if (path !== ':memory:') db.pragma('journal_mode = WAL')
  db.pragma('synchronous = NORMAL')
  db.pragma('foreign_keys = ON')
  db.pragma(`busy_timeout = ${opts.busyTimeoutMs ?? 5000}`)
  if (path !== ':memory:') tightenFiles([`${path}-wal`, `${path}-shm`], (m) => opts.warn?.(m))
  return db
}

function securePaths(path: string, warn: (message: string) => void): void {
  const dir = dirname(path)
  if (!existsSync(dir)) mkdirSync(dir, { recursive: true, mode: 0o700 })
  else if ((statSync(dir).mode & 0o077) !== 0) {
    warn(
      `[auth-lab] warning: the database directory ${dir} is accessible to other users ` +
        `(mode ${(statSync(dir).mode & 0o777).toString(8)}); the files in it are 0600, but consider chmod 700 ${dir}`,
    )
  }
  // 'a' creates the file if missing (with 0600 applied through the umask, which can only remove bits) and never
  // truncates an existing one.
  closeSync(openSync(path, 'a', 0o600))
  tightenFiles([path, `${path}-wal`, `${path}-shm`], warn)
}

function tightenFiles(paths: string[], warn: (message: string) => void): void {
  for (const p of paths) {
    let mode: number
    try {
      mode = statSync(p).mode
    } catch {
      continue // -wal/-shm do not exist until WAL is on
    }
    if ((mode & 0o077) === 0) continue
    try {
      chmodSync(p, 0o600)
    } catch (err) {
      warn(
        `[auth-lab] warning: cannot make ${p} private (mode ${(mode & 0o777).toString(8)}): ${(err as Error).message}`,
      )
    }
  }
}
