/**
 * The login throttle in the shared SQLite file (the default when REDIS_URL is not set): the rules of
 * `LoginThrottle`, but held by the database both apps and every instance on this machine open, so a guesser cannot
 * multiply an account's budget by the number of processes. Found in review (session 8): with the per-process
 * throttle, the three servers `pnpm start` runs on one file checked 15 wrong passwords per account and window
 * instead of 5, and a stateful + a stateless app 10.
 *
 * One table, `login_throttle`: a row per recorded failure (`kind` 0, `at` = when) and per attempt in flight
 * (`kind` 1, `at` = lease end, 30 s, so a process that dies mid-login cannot hold a slot longer than that), for each
 * dimension (`dim` 'u' account, 'i' address) under `key` = the first 128 bits of SHA-256 of the normalised name or
 * the address (no usernames or IPs at rest).
 *
 * Reserve = one IMMEDIATE transaction over both dimensions: prune the key's old rows, count failures + leases
 * against the limit, and insert the two leases only when both allow. The write lock makes it atomic across
 * processes: of N concurrent attempts from N processes at most `limit − recorded` get through (F1, across processes).
 * Settle = one transaction: the leases go; a failure adds a failure row per dimension; a success clears the
 * account's failures. Cost: two small write transactions per login (tens of µs in WAL mode), beside an argon2
 * verify of tens of ms. Times come from the injected clock.
 */
import { createHash, randomBytes } from 'node:crypto'
import type { Clock } from '../clock.js'
import { systemClock } from '../clock.js'
import { deleteInBatches } from '../db/delete-in-batches.js'
import type { Migration } from '../db/migrate.js'
import type { Db } from '../db/open-database.js'
import type { Reservation, ReserveResult, ThrottleOptions } from './login-throttle.js'
import type { Throttle } from './throttle.js'

const LEASE_MS = 30_000
const FAILURE = 0
const LEASE = 1

export const throttleMigrations: readonly Migration[] = [
  {
    version: 1,
    name: 'create login_throttle',
    up: `CREATE TABLE login_throttle (
      dim TEXT NOT NULL CHECK (dim IN ('u', 'i')),
      key BLOB NOT NULL,
      kind INTEGER NOT NULL CHECK (kind IN (0, 1)),
      at INTEGER NOT NULL,
      id TEXT NOT NULL
    ) STRICT;
    CREATE INDEX login_throttle_key ON login_throttle (dim, key, kind, at);
    CREATE INDEX login_throttle_id ON login_throttle (id)`,
  },
  {
    // Session 11: the purge deletes in batches (deleteInBatches) so it never holds the event loop for long; a batch
    // must reach old rows through an index, or every batch rescans the rows it keeps (login_throttle_key leads
    // with dim and key). One more index entry per row, beside an argon2 verify per login.
    version: 2,
    name: 'login_throttle expiry index',
    up: 'CREATE INDEX login_throttle_expiry ON login_throttle (kind, at)',
  },
]

type Dim = 'u' | 'i'

export class SqliteLoginThrottle implements Throttle {
  readonly kind = 'sqlite'
  private readonly windowMs: number
  private readonly stmt
  private readonly reserveTx: (user: Buffer, ip: Buffer, now: number, id: string) => number
  private readonly settleTx: (
    user: Buffer,
    ip: Buffer,
    id: string,
    outcome: 'failure' | 'success' | 'release',
    now: number,
  ) => void

  constructor(
    db: Db,
    opts: ThrottleOptions,
    private readonly clock: Clock = systemClock,
  ) {
    this.windowMs = opts.windowSeconds * 1000
    this.stmt = {
      prune: db.prepare<[Dim, Buffer, number, Dim, Buffer, number]>(
        `DELETE FROM login_throttle WHERE (dim = ? AND key = ? AND kind = ${FAILURE} AND at <= ?)
           OR (dim = ? AND key = ? AND kind = ${LEASE} AND at <= ?)`,
      ),
      failures: db
        .prepare<[Dim, Buffer], number>(
          `SELECT at FROM login_throttle WHERE dim = ? AND key = ? AND kind = ${FAILURE} ORDER BY at`,
        )
        .pluck(),
      leases: db
        .prepare<[Dim, Buffer], number>(
          `SELECT COUNT(*) FROM login_throttle WHERE dim = ? AND key = ? AND kind = ${LEASE}`,
        )
        .pluck(),
      insert: db.prepare<[Dim, Buffer, number, number, string]>(
        'INSERT INTO login_throttle (dim, key, kind, at, id) VALUES (?, ?, ?, ?, ?)',
      ),
      dropLeases: db.prepare<[string]>(`DELETE FROM login_throttle WHERE id = ? AND kind = ${LEASE}`),
      clearFailures: db.prepare<[Buffer]>(
        `DELETE FROM login_throttle WHERE dim = 'u' AND key = ? AND kind = ${FAILURE}`,
      ),
      purge: db.prepare<[number, number, number]>(
        'DELETE FROM login_throttle WHERE rowid IN (SELECT rowid FROM login_throttle WHERE kind = ? AND at <= ? LIMIT ?)',
      ),
    }
    // Returns 0 when reserved, else the milliseconds to wait.
    const reserve = (user: Buffer, ip: Buffer, now: number, id: string): number => {
      const waits = [
        this.wait('u', user, opts.maxFailuresPerUser, now),
        this.wait('i', ip, opts.maxFailuresPerIp, now),
      ]
      const wait = Math.max(...waits)
      if (wait > 0) return wait
      this.stmt.insert.run('u', user, LEASE, now + LEASE_MS, id)
      this.stmt.insert.run('i', ip, LEASE, now + LEASE_MS, id)
      return 0
    }
    this.reserveTx = db.transaction(reserve).immediate
    // Exactly once is the reservation's job (its `open` flag), not the lease row's: a lease may be gone — pruned
    // after LEASE_MS while a long hash queue held the attempt — and its failure must still count, as in Redis's
    // SETTLE (found in review: with checks held 31 s, 30 of 30 guesses got through).
    const settle = (
      user: Buffer,
      ip: Buffer,
      id: string,
      outcome: 'failure' | 'success' | 'release',
      now: number,
    ) => {
      this.stmt.dropLeases.run(id)
      if (outcome === 'failure') {
        this.stmt.insert.run('u', user, FAILURE, now, id)
        this.stmt.insert.run('i', ip, FAILURE, now, id)
      } else if (outcome === 'success') {
        this.stmt.clearFailures.run(user)
      }
    }
    this.settleTx = db.transaction(settle).immediate
  }

  reserve(username: string, ip: string): ReserveResult {
    const id = randomBytes(12).toString('base64url')
    const user = keyOf(username)
    const addr = keyOf(ip)
    const wait = this.reserveTx(user, addr, this.clock(), id)
    if (wait > 0) return { allowed: false, retryAfterSeconds: Math.ceil(wait / 1000) }
    let open = true
    const close = (outcome: 'failure' | 'success' | 'release') => {
      if (!open) return
      open = false
      this.settleTx(user, addr, id, outcome, this.clock())
    }
    const reservation: Reservation = {
      failure: () => close('failure'),
      success: () => close('success'),
      release: () => close('release'),
    }
    return { allowed: true, reservation }
  }

  /** Deletes failures out of the window and leases past their end (the jobs call it; reserve prunes its own keys). */
  async purge(signal?: AbortSignal): Promise<number> {
    const now = this.clock()
    return deleteInBatches(
      [
        (limit) => this.stmt.purge.run(FAILURE, now - this.windowMs, limit).changes,
        (limit) => this.stmt.purge.run(LEASE, now, limit).changes,
      ],
      { signal },
    )
  }

  /** Attempts in flight for a name and an address (tests, diagnostics). */
  pending(username: string, ip: string): { user: number; ip: number } {
    return {
      user: this.stmt.leases.get('u', keyOf(username)) ?? 0,
      ip: this.stmt.leases.get('i', keyOf(ip)) ?? 0,
    }
  }

  private wait(dim: Dim, key: Buffer, max: number, now: number): number {
    this.stmt.prune.run(dim, key, now - this.windowMs, dim, key, now)
    const failures = this.stmt.failures.all(dim, key)
    if (failures.length >= max) {
      // Blocked until enough failures age out to drop below the limit (as LoginThrottle).
      const releaseAt = (failures[failures.length - max] ?? now) + this.windowMs
      return Math.max(1, releaseAt - now)
    }
    if (failures.length + (this.stmt.leases.get(dim, key) ?? 0) >= max) return 1000
    return 0
  }
}

function keyOf(value: string): Buffer {
  return createHash('sha256').update(value).digest().subarray(0, 16)
}
