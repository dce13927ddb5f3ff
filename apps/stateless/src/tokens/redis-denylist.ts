/**
 * The deny-list in Redis (TOKEN_STORE=redis with REVOCATION=denylist), shared by every instance.
 * - `{u:<userId>}:deny:j:<jti>` — one access token (logout with a Bearer token);
 * - `{u:<userId>}:deny:s:<familyId>` — every access token of a device (its family was revoked).
 * Each is a plain string set with `PX` = entry end − now (exp + tolerance, or ACCESS_TTL + tolerance from the cut),
 * at least 1 ms and in whole milliseconds, so it disappears exactly when it can no longer matter: no purge, and never
 * a sub-second TTL rounded to "no expiry" (better-auth #10992). An entry that is already over is not written.
 * The check is ONE round trip: `EXISTS` over both keys (same hash tag, same cluster slot; cacheable with
 * REDIS_CLIENT_CACHE, invalidated when an entry appears) — plus the users row in SQLite for the credential epoch and
 * the disabled flag (F2: a password change, disable or logout-all in either app ends every older token).
 */
import type { Clock, RedisHandle, StoreCounters, UserStore } from '@auth-lab/shared'
import { redisCall, ttlMs } from '@auth-lab/shared'
import type { DenylistStore } from './denylist.js'

export class RedisDenylist implements DenylistStore {
  readonly kind = 'redis'

  constructor(
    private readonly redis: RedisHandle,
    private readonly users: Pick<UserStore, 'findById'>,
    private readonly counters: StoreCounters,
    private readonly clock: Clock,
  ) {}

  private key(userId: number, kind: 'j' | 's', id: string): string {
    return this.redis.key(`{u:${userId}}:deny:${kind}:${id}`)
  }

  async denyToken(userId: number, jti: string, untilMs: number): Promise<void> {
    await this.add([this.key(userId, 'j', jti)], untilMs)
  }

  async denyFamilies(userId: number, familyIds: readonly string[], untilMs: number): Promise<void> {
    await this.add(
      familyIds.map((id) => this.key(userId, 's', id)),
      untilMs,
    )
  }

  async isDenied(jti: string, sid: string, user: { id: number; credentialEpoch: number }): Promise<boolean> {
    this.counters.read('token_denylist')
    const listed = await redisCall(() =>
      this.redis.client.exists([this.key(user.id, 'j', jti), this.key(user.id, 's', sid)]),
    )
    if (Number(listed) > 0) return true
    const u = this.users.findById(user.id)
    return !u || u.disabled || u.credentialEpoch !== user.credentialEpoch
  }

  /** Nothing to do: every entry carries its TTL. */
  async purge(): Promise<number> {
    return 0
  }

  private async add(keys: string[], untilMs: number): Promise<void> {
    const remaining = untilMs - this.clock()
    if (keys.length === 0 || remaining <= 0) return
    const { client } = this.redis
    await redisCall(() =>
      Promise.all(
        keys.map((k) => {
          this.counters.write('token_denylist')
          // GT-like: never shorten an entry that already covers a later token. SET … PX replaces the TTL, so keep
          // the longer one with a script-free two-step: PX only when absent (NX), else raise the TTL (PEXPIRE GT).
          return client
            .multi()
            .set(k, '1', { condition: 'NX', expiration: { type: 'PX', value: ttlMs(remaining) } })
            .pExpire(k, ttlMs(remaining), 'GT')
            .exec()
        }),
      ),
    )
  }
}
