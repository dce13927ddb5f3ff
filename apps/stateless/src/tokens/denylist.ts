import type { Clock, Db, StoreCounters } from '@auth-lab/shared'
import { deleteInBatches } from '@auth-lab/shared'

/**
 * What the deny-list strategy needs from its store: SQLite (`Denylist`, below) or Redis (`RedisDenylist`,
 * redis-denylist.ts, TOKEN_STORE=redis). Entries carry the user id so Redis can keep a user's entries under one
 * hash tag (one round trip, one cluster slot).
 */
export interface DenylistStore {
  readonly kind: 'sqlite' | 'redis'
  denyToken(userId: number, jti: string, untilMs: number): Promise<void>
  denyFamilies(userId: number, familyIds: readonly string[], untilMs: number): Promise<void>
  /** Is this token or its device listed, or have the user's credentials ended (epoch, disable)? */
  isDenied(jti: string, sid: string, user: { id: number; credentialEpoch: number }): Promise<boolean>
  purge(now?: number, signal?: AbortSignal): Promise<number>
}

/**
 * The deny-list (REVOCATION=denylist): how a stateless token is killed before its `exp`.
 * Two kinds of entry share one table, so a request pays exactly ONE indexed read:
 * - `jti:<jti>`: one access token (logout with a Bearer token);
 * - `sid:<family>`: every access token of a device (its refresh family was revoked by logout, device revocation,
 *   logout-all, password change or reuse detection).
 * An entry lives until the last token it can concern has expired (`exp` + clock tolerance), then the purge removes
 * it, so the table stays as small as the set of revoked-but-unexpired tokens. Living in SQLite, it is shared by
 * every instance on the same file.
 */
export class Denylist implements DenylistStore {
  readonly kind = 'sqlite'
  private readonly stmt

  constructor(
    db: Db,
    private readonly counters: StoreCounters,
    private readonly clock: Clock,
  ) {
    this.stmt = {
      add: db.prepare(
        `INSERT INTO token_denylist (key, expires_at) VALUES (?, ?)
         ON CONFLICT (key) DO UPDATE SET expires_at = MAX(expires_at, excluded.expires_at)`,
      ),
      // One statement: a deny-list hit on the token or its device, OR the user's credential epoch moved on / the
      // user is disabled (F2: a password change or logout-all in either app). Still one indexed read per request.
      hit: db
        .prepare<[string, string, number, number, number], number>(
          `SELECT EXISTS (SELECT 1 FROM token_denylist WHERE key IN (?, ?) AND expires_at > ?)
               OR NOT EXISTS (SELECT 1 FROM users WHERE id = ? AND credential_epoch = ? AND disabled = 0)`,
        )
        .pluck(),
      // Batched (deleteInBatches) through the expiry index.
      purge: db.prepare<[number, number]>(
        'DELETE FROM token_denylist WHERE rowid IN (SELECT rowid FROM token_denylist WHERE expires_at <= ? LIMIT ?)',
      ),
    }
  }

  async denyToken(_userId: number, jti: string, untilMs: number): Promise<void> {
    this.counters.write('token_denylist')
    this.stmt.add.run(`jti:${jti}`, untilMs)
  }

  async denyFamilies(_userId: number, familyIds: readonly string[], untilMs: number): Promise<void> {
    for (const id of familyIds) {
      this.counters.write('token_denylist')
      this.stmt.add.run(`sid:${id}`, untilMs)
    }
  }

  /**
   * One read: is this token, or the device it was issued to, revoked — or have the user's credentials been ended
   * (credential epoch, disable) since the token was issued?
   */
  async isDenied(jti: string, sid: string, user: { id: number; credentialEpoch: number }): Promise<boolean> {
    this.counters.read('token_denylist')
    return this.stmt.hit.get(`jti:${jti}`, `sid:${sid}`, this.clock(), user.id, user.credentialEpoch) === 1
  }

  async purge(now = this.clock(), signal?: AbortSignal): Promise<number> {
    this.counters.write('token_denylist')
    return deleteInBatches([(limit) => this.stmt.purge.run(now, limit).changes], { signal })
  }
}
