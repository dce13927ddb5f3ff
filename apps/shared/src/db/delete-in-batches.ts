/**
 * Purges in bounded steps. better-sqlite3 is synchronous: one `DELETE … WHERE expires_at <= ?` over a large backlog
 * holds the event loop for the whole statement — 742 ms for 300,000 expired refresh tokens here (session 10 review,
 * docs/security.md), during which no request of that process is answered. A purge is housekeeping and may take
 * longer; a request must not wait for it. So every purge deletes at most `limit` rows per statement (an indexed
 * `… IN (SELECT … LIMIT ?)`, so each batch finds its rows through the expiry index without rescanning what it
 * kept) and hands the event loop back between batches (`setImmediate`: pending I/O callbacks run first).
 *
 * 500 rows: ~1–2 ms per batch here (the rows, their index entries, cascades), well inside a request's budget, and
 * large enough that a 300,000-row backlog takes 600 statements rather than 300,000.
 */
import { setImmediate as yieldToEventLoop } from 'node:timers/promises'

export const PURGE_BATCH_ROWS = 500

export interface DeleteInBatchesOptions {
  /** Rows per statement (default PURGE_BATCH_ROWS). */
  limit?: number
  /** Stops between batches (the app is shutting down and the database is about to close). */
  signal?: AbortSignal
}

/**
 * Runs `batch(limit)` — one statement deleting at most `limit` rows, returning how many it deleted — until a batch
 * deletes fewer than `limit`, yielding to the event loop after every batch that deleted anything. Each step in `steps`
 * is drained in turn (e.g. idle expiry, then absolute expiry). Returns the rows deleted.
 */
export async function deleteInBatches(
  steps: readonly ((limit: number) => number)[],
  opts: DeleteInBatchesOptions = {},
): Promise<number> {
  const limit = opts.limit ?? PURGE_BATCH_ROWS
  let total = 0
  for (const batch of steps) {
    for (;;) {
      if (opts.signal?.aborted) return total
      const n = batch(limit)
      total += n
      if (n > 0) await yieldToEventLoop()
      if (n < limit) break
    }
  }
  return total
}
