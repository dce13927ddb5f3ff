/**
 * How long a purge holds the event loop: the purge of a large backlog, one statement (as before session 11) against
 * the batched purge the apps run now (shared deleteInBatches), on the same rows of a real app database (WAL, the
 * apps' own migrations and stores, a temporary directory). Measured from inside the process: the longest gap
 * between two ticks of a 1 ms timer while the purge runs, i.e. how long a request arriving then would have waited.
 * In the batched purge that longest gap is a WAL checkpoint (SQLite copies the WAL back every 1,000 pages written,
 * in whichever write crosses the mark, a login's as much as a purge batch's), not a batch: ~1.5 ms per 500 rows.
 *
 *   npx -y pnpm@10.34.8 --filter @auth-lab/bench exec tsx src/probes/purge-stall-cli.ts [--rows 300000]
 *
 * A probe, not an experiment: one process, no server, no load generator; it prints one table and exits.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import {
  openDeps as openStateful,
  SqliteSessionStore,
  readConfig as statefulConfig,
} from '@auth-lab/stateful'
import { openDeps as openStateless, RefreshTokens, readConfig as statelessConfig } from '@auth-lab/stateless'

const { values } = parseArgs({ options: { rows: { type: 'string', default: '300000' } } })
const ROWS = Number(values.rows)
if (!Number.isInteger(ROWS) || ROWS < 1) throw new Error('--rows: a positive integer')

interface Stall {
  ms: number
  maxGapMs: number
  ticks: number
  deleted: number
}

/** Runs `purge` while a 1 ms timer ticks; the longest gap between ticks is the longest the loop was held. */
async function measure(purge: () => Promise<number> | number): Promise<Stall> {
  let last = performance.now()
  let maxGapMs = 0
  let ticks = 0
  const timer = setInterval(() => {
    const now = performance.now()
    maxGapMs = Math.max(maxGapMs, now - last)
    last = now
    ticks++
  }, 1)
  await new Promise((r) => setTimeout(r, 20)) // the timer is running before the purge starts
  last = performance.now()
  ticks = 0
  const t0 = performance.now()
  const deleted = await purge()
  const ms = performance.now() - t0
  await new Promise((r) => setTimeout(r, 5)) // the tick right after a blocking purge closes its gap
  clearInterval(timer)
  return { ms, maxGapMs, ticks, deleted }
}

const dir = mkdtempSync(join(tmpdir(), 'auth-lab-purge-probe-'))
const rows: string[] = []
const line = (what: string, how: string, s: Stall) =>
  rows.push(
    `| ${what} | ${how} | ${s.deleted.toLocaleString('en')} | ${s.ms.toFixed(0)} | **${s.maxGapMs.toFixed(1)}** | ${s.ticks} |`,
  )
try {
  // Stateless: used, expired refresh tokens of one family (what rotation leaves behind).
  {
    const deps = await openStateless(
      statelessConfig({ DB_PATH: join(dir, 'stateless.db'), JWT_KEYS: 'ephemeral' }),
      {
        onUnexpected: (e) => console.error(e),
      },
    )
    const user = await deps.users.create({ username: 'probe', password: 'probe-password-1' })
    const store = new RefreshTokens(deps.db, deps.metrics.store, Date.now, deps.config.refresh)
    const { familyId } = await store.create(user)
    const insert = deps.db.prepare(
      'INSERT INTO refresh_tokens (hash, family_id, parent_hash, created_at, expires_at, used_at) VALUES (?, ?, NULL, 0, 1, 1)',
    )
    const fill = () => {
      deps.db.transaction(() => {
        for (let i = 0; i < ROWS; i++) insert.run(Buffer.from(`old-${i}`), familyId)
      })()
      deps.db.pragma('wal_checkpoint(TRUNCATE)') // the fill's own WAL is not the purge's to copy back
    }
    fill()
    const oneStatement = deps.db.prepare(
      'DELETE FROM refresh_tokens WHERE expires_at <= ? AND used_at IS NOT NULL',
    )
    line(
      'refresh_tokens (used, expired)',
      'one statement (before)',
      await measure(() => oneStatement.run(Date.now()).changes),
    )
    fill()
    line('refresh_tokens (used, expired)', 'batched (now)', await measure(() => store.purge()))
    deps.close()
  }
  // Stateful: sessions past their idle expiry.
  {
    const deps = await openStateful(statefulConfig({ DB_PATH: join(dir, 'stateful.db') }), {
      onUnexpected: (e) => console.error(e),
    })
    const user = await deps.users.create({ username: 'probe', password: 'probe-password-1' })
    const store = new SqliteSessionStore(deps.db, deps.metrics.store)
    const insert = deps.db.prepare(
      `INSERT INTO sessions (id_hash, handle, user_id, data, created_at, last_seen_at, expires_at, absolute_expires_at)
       VALUES (?, ?, ?, '{}', 0, 0, 1, 2)`,
    )
    const fill = () => {
      deps.db.transaction(() => {
        for (let i = 0; i < ROWS; i++) insert.run(`h${i}`, `s${i}`, user.id)
      })()
      deps.db.pragma('wal_checkpoint(TRUNCATE)')
    }
    fill()
    const oneStatement = deps.db.prepare(
      'DELETE FROM sessions WHERE expires_at <= ? OR absolute_expires_at <= ?',
    )
    line(
      'sessions (idle-expired)',
      'one statement (before)',
      await measure(() => oneStatement.run(Date.now(), Date.now()).changes),
    )
    fill()
    line('sessions (idle-expired)', 'batched (now)', await measure(() => store.purgeExpired(Date.now())))
    deps.close()
  }
  console.log(
    `Purge of ${ROWS.toLocaleString('en')} rows, ${new Date().toISOString()}, node ${process.version}\n`,
  )
  console.log('| rows | purge | deleted | wall ms | longest event-loop stall, ms | 1 ms ticks during it |')
  console.log('|---|---|---|---|---|---|')
  for (const r of rows) console.log(r)
} finally {
  rmSync(dir, { recursive: true, force: true })
}
