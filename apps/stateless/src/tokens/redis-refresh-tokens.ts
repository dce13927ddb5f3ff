/**
 * Refresh families and tokens in Redis (TOKEN_STORE=redis), shared by every instance. The rules are those of
 * refresh-token.ts (hashed tokens, rotation with exactly one winner, reuse ⇒ family revoked, grace window, idle and
 * absolute expiry, stale families revoked); only the storage differs.
 *
 * Key layout (prefix REDIS_PREFIX), every key with a TTL:
 * - `rt:<sha256(token)>` — STRING `<userId>:<familyId>:<tokenExpiresAt>:<familyAbsoluteExpiresAt>`, immutable,
 *   PX = the token's own expiry. The only key a request can reach from a cookie; it names the user, so every other
 *   key of the operation can carry the user's hash tag.
 * - `{u:<userId>}:f:<familyId>` — HASH, one family (device): v token_version, e credential epoch, c created,
 *   l last used, a absolute expiry, ua, ip, live (comma-separated hashes of the tokens that may still rotate: the
 *   current one, plus grace siblings), lr / lt (hash and time of the most recent rotation), r / rr (revoked at,
 *   reason), cd (set once the revoked family's access tokens were cut: until then a retried logout, device revoke
 *   or reuse replay cuts again, so a cut that failed with a 503 is never lost), bt / bat (the rotation budget:
 *   rotations left as of a time; review RB1). PX = its newest token's expiry (at most the absolute expiry), extended
 *   by each rotation; once revoked, at most REFRESH_TTL more (a late replay still meets "revoked").
 * - `{u:<userId>}:families` — SET of the user's live family ids (list, logout-all, the device cap), PX = the
 *   latest absolute expiry; a family leaves it when revoked, and members whose family expired are pruned when read.
 * Family ids are `<userId>.<22 random chars>` so a family can be found from its id alone (revoke by `sid`).
 *
 * Rotation = GET the pointer (1 round trip) + read the users row (SQLite) + ONE Lua script on the family key, which
 * checks revoked / expiry / staleness (disabled, epoch; a family behind on version is carried over) / used-or-live /
 * grace and then rotates, revokes
 * or refuses, atomically: of 20 concurrent refreshes of one token exactly one finds it live. The child's pointer is
 * written just before the script in the same round trip; if the script refuses, that pointer names a token that
 * was never handed out (harmless, expires by TTL).
 */
import { createHash, randomBytes } from 'node:crypto'
import type { Clock, RedisHandle, StoreCounters, User, UserStore } from '@auth-lab/shared'
import { luaScript, redisCall, ttlMs } from '@auth-lab/shared'
import type { RefreshConfig } from '../config.js'
import type { RefreshStore } from './refresh-store.js'
import type { FamilyView, IssuedRefresh, RotateResult } from './refresh-token.js'
import { isRefreshTokenShaped, type RotationBudget, rotationBudget } from './refresh-token.js'

// KEYS: family, the user's families set. ARGV: hash, childHash, now, graceMs, epoch, version, disabled(0|1),
// tokenExpiresAt, retainMs (= REFRESH_TTL), familyId, burst ('' = no rotation budget), refillMs.
// Returns {outcome, detail}: ok (detail 0 normal | 1 grace), invalid, stale (detail reason), reused,
// limited (detail = ms until the budget holds one rotation again; nothing changed).
const ROTATE = luaScript(`
local f = KEYS[1]
local st = redis.call('HMGET', f, 'r', 'e', 'v', 'live', 'lr', 'lt', 'a', 'rr', 'cd')
if not st[7] then return {'invalid', ''} end
-- Revoked for reuse, and its access tokens' cut never confirmed (the cut failed: 503): say "reused" again, so
-- this replay's caller runs the cut (review B2). Any other revoked family: invalid.
if st[1] then
  if st[8] == 'reuse' and not st[9] then return {'reused', ''} end
  return {'invalid', ''}
end
local now = tonumber(ARGV[3])
if now >= tonumber(st[7]) or now >= tonumber(ARGV[8]) then return {'invalid', ''} end
local reason = nil
if ARGV[7] == '1' then reason = 'user_disabled'
elseif st[2] ~= ARGV[5] then reason = 'credential_epoch' end
local function revoke(why)
  redis.call('HSET', f, 'r', ARGV[3], 'rr', why)
  redis.call('PEXPIRE', f, ARGV[9], 'LT')
  redis.call('SREM', KEYS[2], ARGV[10])
end
-- The family lives as long as its newest token (at most its absolute expiry): extend, never shorten.
local function extend()
  local ms = math.min(now + tonumber(ARGV[9]), tonumber(st[7])) - now
  if ms > 0 then redis.call('PEXPIRE', f, ms, 'GT') end
end
-- The family's rotation budget (refresh-token.ts spendRotation, review RB1): bt rotations left as of bat. After
-- reuse detection, before anything is written; nil = spent one, else the ms to wait. need is 0 for a grace
-- replay: it may overdraw by one (review X5, refresh-token.ts spendRotation).
local function spend(need)
  if ARGV[11] == '' then return nil end
  local burst, refill = tonumber(ARGV[11]), tonumber(ARGV[12])
  local b = redis.call('HMGET', f, 'bt', 'bat')
  local level = burst
  if b[1] and b[2] then level = math.min(burst, tonumber(b[1]) + math.max(0, now - tonumber(b[2])) / refill) end
  if level < need then return math.ceil((need - level) * refill) end
  redis.call('HSET', f, 'bt', tostring(level - 1), 'bat', ARGV[3])
  return nil
end
-- A stale family's access tokens are refused by the users-row check itself: nothing to cut (cd).
if reason then revoke(reason); redis.call('HSET', f, 'cd', '1'); return {'stale', reason} end
-- A live family behind the user's token_version missed a cut's restamp (refresh-token.ts): carried over, never
-- revoked. Only upwards: a family ahead of the version this rotation read was restamped after that read.
if tonumber(st[3]) < tonumber(ARGV[6]) then redis.call('HSET', f, 'v', ARGV[6]) end
local live = st[4] or ''
if string.find(',' .. live .. ',', ',' .. ARGV[1] .. ',', 1, true) then
  local wait = spend(1)
  if wait then return {'limited', tostring(wait)} end
  redis.call('HSET', f, 'live', ARGV[2], 'lr', ARGV[1], 'lt', ARGV[3], 'l', ARGV[3])
  extend()
  return {'ok', '0'}
end
if tonumber(ARGV[4]) > 0 and st[5] == ARGV[1] and now - tonumber(st[6]) <= tonumber(ARGV[4]) then
  local wait = spend(0)
  if wait then return {'limited', tostring(wait)} end
  redis.call('HSET', f, 'live', live .. ',' .. ARGV[2])
  extend()
  return {'ok', '1'}
end
revoke('reuse')
return {'reused', ''}`)

// KEYS: family, the user's families set. ARGV: now, reason, retainMs, familyId. 1 if it was live, or revoked with
// its cut not yet confirmed (`cd`):
// a caller whose cut failed (503) gets 1 again on its retry and cuts then (review B2).
const REVOKE = luaScript(`
local st = redis.call('HMGET', KEYS[1], 'a', 'r', 'cd')
if not st[1] then return 0 end
if st[2] then
  if st[3] then return 0 end
  return 1
end
redis.call('HSET', KEYS[1], 'r', ARGV[1], 'rr', ARGV[2])
redis.call('PEXPIRE', KEYS[1], ARGV[3], 'LT')
redis.call('SREM', KEYS[2], ARGV[4])
return 1`)
// KEYS: family. The revoked family's access tokens are cut: confirmed. Never creates a key (no TTL-less keys).
const CUT_DONE = luaScript(`
if redis.call('HEXISTS', KEYS[1], 'r') == 1 then redis.call('HSET', KEYS[1], 'cd', '1') end
return 0`)

// KEYS: family. ARGV: newVersion. Live families on newVersion − 1 move to newVersion.
const RESTAMP = luaScript(`
local st = redis.call('HMGET', KEYS[1], 'v', 'r')
if not st[1] or st[2] or tonumber(st[1]) ~= tonumber(ARGV[1]) - 1 then return 0 end
redis.call('HSET', KEYS[1], 'v', ARGV[1])
return 1`)

const FAMILY_ID = /^(\d{1,15})\.[A-Za-z0-9_-]{22}$/

function hashHex(token: string): string {
  return createHash('sha256').update(token).digest('hex')
}

interface Pointer {
  userId: number
  familyId: string
  expiresAt: number
  absolute: number
}

function parsePointer(v: string | null): Pointer | null {
  if (v === null) return null
  const [u, fam, x, a] = v.split(':')
  if (u === undefined || fam === undefined || x === undefined || a === undefined) return null
  return { userId: Number(u), familyId: fam, expiresAt: Number(x), absolute: Number(a) }
}

export class RedisRefreshTokens implements RefreshStore {
  readonly kind = 'redis'
  private readonly ttlMs: number
  private readonly absoluteMs: number
  private readonly graceMs: number
  private readonly budget: RotationBudget

  constructor(
    private readonly redis: RedisHandle,
    private readonly users: Pick<UserStore, 'findById'>,
    private readonly counters: StoreCounters,
    private readonly clock: Clock,
    cfg: RefreshConfig,
  ) {
    this.ttlMs = cfg.ttl * 1000
    this.absoluteMs = cfg.absoluteTtl * 1000
    this.graceMs = cfg.grace * 1000
    this.budget = rotationBudget(cfg)
  }

  private familyKey(userId: number, familyId: string): string {
    return this.redis.key(`{u:${userId}}:f:${familyId}`)
  }

  private familiesKey(userId: number): string {
    return this.redis.key(`{u:${userId}}:families`)
  }

  private pointerKey(hash: string): string {
    return this.redis.key(`rt:${hash}`)
  }

  async create(
    user: Pick<User, 'id' | 'tokenVersion' | 'credentialEpoch'>,
    meta: { userAgent?: string; ip?: string } = {},
  ): Promise<IssuedRefresh> {
    const now = this.clock()
    const familyId = `${user.id}.${randomBytes(16).toString('base64url')}`
    const absolute = now + this.absoluteMs
    const token = randomBytes(32).toString('base64url')
    const hash = hashHex(token)
    const expiresAt = Math.min(now + this.ttlMs, absolute)
    const fields: Record<string, string> = {
      v: String(user.tokenVersion),
      e: String(user.credentialEpoch),
      c: String(now),
      l: String(now),
      a: String(absolute),
      live: hash,
    }
    if (meta.userAgent) fields.ua = meta.userAgent.slice(0, 256)
    if (meta.ip) fields.ip = meta.ip
    const fam = this.familyKey(user.id, familyId)
    const set = this.familiesKey(user.id)
    this.counters.write('refresh_families')
    this.counters.write('refresh_tokens')
    const { client } = this.redis
    await redisCall(() =>
      Promise.all([
        // One slot ({u:id}): family and index together, each key with its TTL in the same transaction.
        client
          .multi()
          .hSet(fam, fields)
          // As long as its first token; each rotation extends it to the child's expiry (ROTATE).
          .pExpire(fam, ttlMs(expiresAt - now))
          .sAdd(set, familyId)
          .pExpire(set, this.absoluteMs, 'NX')
          .pExpire(set, this.absoluteMs, 'GT')
          .exec(),
        client.set(this.pointerKey(hash), `${user.id}:${familyId}:${expiresAt}:${absolute}`, {
          expiration: { type: 'PX', value: ttlMs(expiresAt - now) },
        }),
      ]),
    )
    return { token, familyId, expiresAt }
  }

  async rotate(token: string): Promise<RotateResult> {
    if (!isRefreshTokenShaped(token)) return { ok: false, reason: 'invalid' }
    const now = this.clock()
    const hash = hashHex(token)
    this.counters.read('refresh_tokens')
    const p = parsePointer(await redisCall(() => this.redis.client.get(this.pointerKey(hash))))
    if (!p) return { ok: false, reason: 'invalid' }
    this.counters.read('users')
    const user = this.users.findById(p.userId)
    if (!user) return { ok: false, reason: 'invalid' }
    const child = randomBytes(32).toString('base64url')
    const childHash = hashHex(child)
    const childExpires = Math.min(now + this.ttlMs, p.absolute)
    this.counters.read('refresh_families')
    this.counters.write('refresh_tokens')
    const { client } = this.redis
    const [, out] = await redisCall(() =>
      Promise.all([
        client.set(this.pointerKey(childHash), `${p.userId}:${p.familyId}:${childExpires}:${p.absolute}`, {
          expiration: { type: 'PX', value: ttlMs(childExpires - now) },
        }),
        ROTATE.run(
          client,
          [this.familyKey(p.userId, p.familyId), this.familiesKey(p.userId)],
          [
            hash,
            childHash,
            now,
            this.graceMs,
            user.credentialEpoch,
            user.tokenVersion,
            user.disabled ? 1 : 0,
            p.expiresAt,
            this.ttlMs,
            p.familyId,
            this.budget.burst ?? '',
            this.budget.refillMs,
          ],
        ) as Promise<[string, string]>,
      ]),
    )
    const [outcome, detail] = out.map(String) as [string, string]
    if (outcome !== 'ok') {
      // The child's pointer was written before the script, in the same round trip; the script refused, so it names
      // a token never handed out. Left in place it lived REFRESH_TTL (14 d), and a client could replay one revoked
      // or used cookie to add a key per request, unauthenticated and unthrottled (session 10 review RB2). Best
      // effort: a pointer a failed DEL leaves behind still expires by its TTL.
      await redisCall(() => client.del(this.pointerKey(childHash))).catch(() => 0)
    }
    if (outcome === 'ok') {
      return {
        ok: true,
        refresh: { token: child, familyId: p.familyId, expiresAt: childExpires },
        user,
        grace: detail === '1',
      }
    }
    if (outcome === 'limited') return { ok: false, reason: 'rate_limited', retryAfterMs: Number(detail) }
    if (outcome === 'stale' || outcome === 'reused') {
      this.counters.write('refresh_families')
      return { ok: false, reason: outcome, familyId: p.familyId, userId: p.userId }
    }
    return { ok: false, reason: 'invalid' }
  }

  async revokeFamily(familyId: string, reason: string): Promise<boolean> {
    const m = FAMILY_ID.exec(familyId)
    if (!m) return false
    this.counters.write('refresh_families')
    const r = await redisCall(() =>
      REVOKE.run(
        this.redis.client,
        [this.familyKey(Number(m[1]), familyId), this.familiesKey(Number(m[1]))],
        [this.clock(), reason, this.ttlMs, familyId],
      ),
    )
    return Number(r) === 1
  }

  async cutDone(userId: number, familyIds: readonly string[]): Promise<void> {
    if (familyIds.length === 0) return
    const { client } = this.redis
    await redisCall(() =>
      Promise.all(familyIds.map((id) => CUT_DONE.run(client, [this.familyKey(userId, id)], []))),
    )
  }

  async cutPending(userId: number, familyId: string): Promise<boolean> {
    const m = FAMILY_ID.exec(familyId)
    // The id names its user: another user's family is never this user's key.
    if (!m || Number(m[1]) !== userId) return false
    const [r, cd] = await redisCall(() =>
      this.redis.client.hmGet(this.familyKey(userId, familyId), ['r', 'cd']),
    )
    return r != null && cd == null
  }

  async familyOf(token: string | undefined): Promise<{ familyId: string; userId: number } | null> {
    if (!isRefreshTokenShaped(token)) return null
    this.counters.read('refresh_tokens')
    const p = parsePointer(await redisCall(() => this.redis.client.get(this.pointerKey(hashHex(token)))))
    return p ? { familyId: p.familyId, userId: p.userId } : null
  }

  async revokeAllForUser(userId: number, reason: string): Promise<string[]> {
    this.counters.write('refresh_families')
    const { client } = this.redis
    const now = this.clock()
    return redisCall(async () => {
      const ids = await client.sMembers(this.familiesKey(userId))
      const done = await Promise.all(
        ids.map((id) =>
          REVOKE.run(
            client,
            [this.familyKey(userId, id), this.familiesKey(userId)],
            [now, reason, this.ttlMs, id],
          ),
        ),
      )
      return ids.filter((_, i) => Number(done[i]) === 1)
    })
  }

  async listForUser(userId: number): Promise<FamilyView[]> {
    const now = this.clock()
    this.counters.read('refresh_families')
    const { client } = this.redis
    return redisCall(async () => {
      const set = this.familiesKey(userId)
      const ids = await client.sMembers(set)
      const rows = (await Promise.all(ids.map((id) => client.hGetAll(this.familyKey(userId, id))))) as Record<
        string,
        string
      >[]
      const gone = ids.filter((_, i) => rows[i]?.a === undefined)
      if (gone.length > 0) await client.sRem(set, gone) // expired by TTL: prune the index
      const views: FamilyView[] = []
      rows.forEach((f, i) => {
        if (f.a === undefined || f.r !== undefined) return
        const lastUsedAt = Number(f.l)
        const absolute = Number(f.a)
        if (absolute <= now || lastUsedAt <= now - this.ttlMs) return
        views.push({
          id: ids[i] as string,
          userId,
          createdAt: Number(f.c),
          lastUsedAt,
          expiresAt: Math.min(lastUsedAt + this.ttlMs, absolute),
          userAgent: f.ua ?? null,
          ip: f.ip ?? null,
        })
      })
      return views.sort((a, b) => b.createdAt - a.createdAt)
    })
  }

  async restampLive(userId: number, newVersion: number): Promise<void> {
    this.counters.write('refresh_families')
    const { client } = this.redis
    await redisCall(async () => {
      const ids = await client.sMembers(this.familiesKey(userId))
      await Promise.all(ids.map((id) => RESTAMP.run(client, [this.familyKey(userId, id)], [newVersion])))
    })
  }

  /** Nothing to do: every key carries its TTL. */
  async purge(): Promise<number> {
    return 0
  }
}
