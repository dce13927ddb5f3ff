import { describe, expect, it } from 'vitest'
import { deleteInBatches, PURGE_BATCH_ROWS } from './delete-in-batches.js'
import { migrate } from './migrate.js'
import { openDatabase } from './open-database.js'

/** A fake statement over `rows` rows: deletes up to `limit`, records each call's limit. */
function fakeStep(rows: number) {
  const calls: number[] = []
  let left = rows
  const step = (limit: number) => {
    calls.push(limit)
    const n = Math.min(limit, left)
    left -= n
    return n
  }
  return { step, calls, left: () => left }
}

/** Counts event-loop turns (setImmediate callbacks) that ran while `work` was in progress. */
async function turnsDuring(work: () => Promise<unknown>): Promise<number> {
  let turns = 0
  let done = false
  const tick = () => {
    if (done) return
    turns++
    setImmediate(tick)
  }
  setImmediate(tick)
  await work()
  done = true
  return turns
}

describe('deleteInBatches', () => {
  it('drains every step in order, at most `limit` rows per statement, and returns the total', async () => {
    const a = fakeStep(1250)
    const b = fakeStep(3)
    expect(await deleteInBatches([a.step, b.step], { limit: 500 })).toBe(1253)
    expect(a.calls).toEqual([500, 500, 500]) // 500, 500, 250: the short batch ends the step
    expect(b.calls).toEqual([500])
    expect(a.left() + b.left()).toBe(0)
  })

  it('stops a step on an exact multiple with one empty batch, and defaults to PURGE_BATCH_ROWS', async () => {
    const a = fakeStep(2 * PURGE_BATCH_ROWS)
    expect(await deleteInBatches([a.step])).toBe(2 * PURGE_BATCH_ROWS)
    expect(a.calls).toEqual([PURGE_BATCH_ROWS, PURGE_BATCH_ROWS, PURGE_BATCH_ROWS])
  })

  it('hands the event loop back after every batch that deleted rows (other callbacks run in between)', async () => {
    const a = fakeStep(10_000)
    const turns = await turnsDuring(() => deleteInBatches([a.step], { limit: 100 }))
    expect(a.calls).toHaveLength(101)
    // One yield per non-empty batch; the ticker runs once per yield (give or take the first and last).
    expect(turns).toBeGreaterThanOrEqual(99)
  })

  it('does not yield when there is nothing to delete', async () => {
    const a = fakeStep(0)
    const turns = await turnsDuring(() => deleteInBatches([a.step, a.step]))
    expect(turns).toBe(0)
    expect(a.calls).toHaveLength(2)
  })

  it('stops between batches once the signal is aborted (the app is closing its database)', async () => {
    const a = fakeStep(10_000)
    const b = fakeStep(10)
    const stop = new AbortController()
    setImmediate(() => setImmediate(() => stop.abort()))
    const n = await deleteInBatches([a.step, b.step], { limit: 100, signal: stop.signal })
    expect(a.calls.length).toBeLessThan(5)
    expect(n).toBe(a.calls.length * 100)
    expect(b.calls).toEqual([]) // later steps do not start either
  })

  it('over SQLite: a batched purge deletes exactly the expired rows, through the expiry index', async () => {
    const db = openDatabase(':memory:')
    migrate(db, 'demo', [
      {
        version: 1,
        name: 't',
        up: 'CREATE TABLE t (k TEXT PRIMARY KEY, expires_at INTEGER NOT NULL) STRICT; CREATE INDEX t_exp ON t (expires_at)',
      },
    ])
    const insert = db.prepare('INSERT INTO t VALUES (?, ?)')
    db.transaction(() => {
      for (let i = 0; i < 2000; i++) insert.run(`k${i}`, i % 3 === 0 ? 2000 : 1000) // a third live
    })()
    const purge = db.prepare<[number, number]>(
      'DELETE FROM t WHERE rowid IN (SELECT rowid FROM t WHERE expires_at <= ? LIMIT ?)',
    )
    const plan = db
      .prepare('EXPLAIN QUERY PLAN SELECT rowid FROM t WHERE expires_at <= ? LIMIT ?')
      .all(1500, 10) as { detail: string }[]
    expect(plan.map((p) => p.detail).join('\n')).toMatch(/USING COVERING INDEX t_exp|USING INDEX t_exp/)
    const n = await deleteInBatches([(limit) => purge.run(1500, limit).changes], { limit: 100 })
    expect(n).toBe(1333)
    expect(db.prepare('SELECT COUNT(*) FROM t WHERE expires_at <= 1500').pluck().get()).toBe(0)
    expect(db.prepare('SELECT COUNT(*) FROM t').pluck().get()).toBe(667)
    db.close()
  })
})
