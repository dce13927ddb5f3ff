import type { Db } from './open-database.js'

/** One schema step. `version` numbers are per namespace and must be 1, 2, 3, … in order. */
export interface Migration {
  version: number
  name: string
  up: string | ((db: Db) => void)
}

/**
 * Applies the pending migrations of one namespace (`users`, `stateful`, `stateless`). Each runs in an IMMEDIATE
 * transaction that re-reads the applied version after taking the write lock, so several processes starting at
 * once on one file apply every step exactly once and the losers simply find nothing to do.
 */
export function migrate(db: Db, namespace: string, migrations: readonly Migration[]): number {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    namespace TEXT NOT NULL, version INTEGER NOT NULL, name TEXT NOT NULL, applied_at INTEGER NOT NULL,
    PRIMARY KEY (namespace, version))`)
  const current = db
    .prepare('SELECT COALESCE(MAX(version), 0) FROM schema_migrations WHERE namespace = ?')
    .pluck()
  const record = db.prepare(
    'INSERT INTO schema_migrations (namespace, version, name, applied_at) VALUES (?, ?, ?, ?)',
  )
  const sorted = [...migrations].sort((a, b) => a.version - b.version)
  sorted.forEach((m, i) => {
    if (m.version !== i + 1)
      throw new Error(`${namespace} migrations must be numbered 1..n; found ${m.version}`)
  })
  let applied = 0
  for (const m of sorted) {
    const step = db.transaction(() => {
      if ((current.get(namespace) as number) >= m.version) return false
      if (typeof m.up === 'string') db.exec(m.up)
      else m.up(db)
      record.run(namespace, m.version, m.name, Date.now())
      return true
    })
    if (step.immediate()) applied++
  }
  return applied
}
