/**
 * Sessions in Redis (`SESSION_STORE=redis`), shared by every instance. Same semantics as the SQLite store: keyed by
 * SHA-256 of the ID (never the ID), UPDATE-only writes, expiry decided by the app from the stored times.
 *
 * Key layout (prefix REDIS_PREFIX, default `auth-lab:`):
 * - `s:<idHash>` — HASH, one session: h handle, u user id, e credential epoch, d data (JSON), c created, l last
 *   seen, x idle expiry, a absolute expiry, ua / ip (absent = null). PEXPIRE = min(x, a) − now, set in the same
 *   MULTI as the HSET (a key never exists without a TTL) and moved by every touch.
 * - `{u:<userId>}:sessions` — HASH idHash → handle: the per-user index for the list, logout-all, the password change
 *   and delete-by-handle. PEXPIRE = the latest absolute expiry of its sessions (only ever raised). Entries of
 *   sessions that expired by TTL are pruned when the index is read.
 * The session key cannot carry the user's hash tag (a request knows only the cookie), so session and index live
 * in different cluster slots and are never written in one transaction: the index entry is written BEFORE the
 * session (a live session is always in its index), and removed AFTER it.
 *
 * Per request: `find` is ONE round trip (HGETALL, cacheable by REDIS_CLIENT_CACHE) plus one read of the users row
 * in SQLite (the credential epoch and the disabled flag must be the current ones; users stay in SQLite). A touch
 * (at most once per touch interval) is one more round trip: a Lua script that writes only if the key exists and
 * moves its PEXPIRE. Store failures throw StoreUnavailableError (→ 503), never "not found" (→ 401).
 */
import type { Clock, RedisHandle, StoreCounters, UserStore } from '@auth-lab/shared'
import { luaScript, redisCall, ttlMs } from '@auth-lab/shared'
import type { SessionRecord, SessionStore, SessionWithUser } from './session-store.js'

// KEYS: session. ARGV: ttl ms, then field/value pairs. Creates the session with its TTL atomically; 0 if the key
// already exists (like the primary key in SQLite: an ID is never reused).
const INSERT = luaScript(`
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('HSET', KEYS[1], unpack(ARGV, 2))
redis.call('PEXPIRE', KEYS[1], ARGV[1])
return 1`)

// KEYS: session. ARGV: data JSON. Writes only into an existing session (never re-creates a logged-out one).
const UPDATE_DATA = luaScript(`
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('HSET', KEYS[1], 'd', ARGV[1])
return 1`)

// KEYS: session. ARGV: lastSeenAt, expiresAt, now. UPDATE-only touch; the TTL follows min(idle, absolute).
const TOUCH = luaScript(`
local a = redis.call('HGET', KEYS[1], 'a')
if not a then return 0 end
redis.call('HSET', KEYS[1], 'l', ARGV[1], 'x', ARGV[2])
local ttl = math.min(tonumber(ARGV[2]), tonumber(a)) - tonumber(ARGV[3])
if ttl < 1 then ttl = 1 end
redis.call('PEXPIRE', KEYS[1], math.ceil(ttl))
return 1`)

// KEYS: session. Deletes it and returns its user id (to clean the index), or false when it was already gone.
const DELETE = luaScript(`
local u = redis.call('HGET', KEYS[1], 'u')
if not u then return false end
redis.call('DEL', KEYS[1])
return u`)

type Fields = Record<string, string>

function toFields(s: SessionRecord): Fields {
  const f: Fields = {
    h: s.handle,
    u: String(s.userId),
    e: String(s.credentialEpoch),
    d: JSON.stringify(s.data),
    c: String(s.createdAt),
    l: String(s.lastSeenAt),
    x: String(s.expiresAt),
    a: String(s.absoluteExpiresAt),
  }
  if (s.userAgent !== null) f.ua = s.userAgent
  if (s.ip !== null) f.ip = s.ip
  return f
}

function toRecord(idHash: string, f: Fields): SessionRecord | null {
  if (f.u === undefined || f.a === undefined) return null // empty reply: no such key
  return {
    idHash,
    handle: f.h ?? '',
    userId: Number(f.u),
    credentialEpoch: Number(f.e ?? 0),
    data: JSON.parse(f.d ?? '{}') as Record<string, unknown>,
    createdAt: Number(f.c),
    lastSeenAt: Number(f.l),
    expiresAt: Number(f.x),
    absoluteExpiresAt: Number(f.a),
    userAgent: f.ua ?? null,
    ip: f.ip ?? null,
  }
}

export class RedisSessionStore implements SessionStore {
  readonly kind = 'redis'

  constructor(
    private readonly redis: RedisHandle,
    private readonly users: Pick<UserStore, 'findById'>,
    private readonly counters: StoreCounters,
    private readonly clock: Clock,
  ) {}

  private sessionKey(idHash: string): string {
    return this.redis.key(`s:${idHash}`)
  }

  private indexKey(userId: number): string {
    return this.redis.key(`{u:${userId}}:sessions`)
  }

  async find(idHash: string): Promise<SessionWithUser | null> {
    this.counters.read('sessions')
    const fields = (await redisCall(() => this.redis.client.hGetAll(this.sessionKey(idHash)))) as Fields
    const session = toRecord(idHash, fields)
    if (!session) return null
    return { session, user: this.users.findById(session.userId) }
  }

  async insert(s: SessionRecord): Promise<void> {
    this.counters.write('sessions')
    const now = this.clock()
    const ttl = Math.min(s.expiresAt, s.absoluteExpiresAt) - now
    if (ttl <= 0) return // born dead: storing it would only make a key validate() deletes on sight
    const key = this.sessionKey(s.idHash)
    const index = this.indexKey(s.userId)
    const indexTtl = ttlMs(s.absoluteExpiresAt - now)
    const { client } = this.redis
    await redisCall(async () => {
      // Index first (see the header); both sent in one round trip, in order, on one connection.
      const [, created] = await Promise.all([
        client
          .multi()
          .hSet(index, s.idHash, s.handle)
          .pExpire(index, indexTtl, 'NX')
          .pExpire(index, indexTtl, 'GT')
          .exec(),
        INSERT.run(client, [key], [ttlMs(ttl), ...Object.entries(toFields(s)).flat()]),
      ])
      if (Number(created) !== 1) throw new Error('duplicate session id')
    })
  }

  async updateData(idHash: string, data: Record<string, unknown>): Promise<boolean> {
    this.counters.write('sessions')
    const r = await redisCall(() =>
      UPDATE_DATA.run(this.redis.client, [this.sessionKey(idHash)], [JSON.stringify(data)]),
    )
    return Number(r) === 1
  }

  async touch(idHash: string, lastSeenAt: number, expiresAt: number): Promise<boolean> {
    this.counters.write('sessions')
    const r = await redisCall(() =>
      TOUCH.run(this.redis.client, [this.sessionKey(idHash)], [lastSeenAt, expiresAt, this.clock()]),
    )
    return Number(r) === 1
  }

  async delete(idHash: string): Promise<boolean> {
    this.counters.write('sessions')
    const uid = await redisCall(() => DELETE.run(this.redis.client, [this.sessionKey(idHash)], []))
    if (uid === null || uid === undefined || uid === false) return false
    await redisCall(() => this.redis.client.hDel(this.indexKey(Number(uid)), idHash))
    return true
  }

  async deleteForUser(userId: number, exceptIdHash?: string): Promise<number> {
    this.counters.write('sessions')
    const index = this.indexKey(userId)
    const { client } = this.redis
    return redisCall(async () => {
      const hashes = (await client.hKeys(index)).filter((h) => h !== exceptIdHash)
      if (hashes.length === 0) return 0
      // One DEL per key (each its own slot on a cluster), all in one round trip.
      const deleted = await Promise.all(hashes.map((h) => client.del(this.sessionKey(h))))
      await client.hDel(index, hashes)
      return deleted.reduce((n, d) => n + Number(d), 0)
    })
  }

  async listForUser(userId: number, now: number): Promise<SessionRecord[]> {
    this.counters.read('sessions')
    const index = this.indexKey(userId)
    const { client } = this.redis
    return redisCall(async () => {
      const hashes = await client.hKeys(index)
      const rows = await Promise.all(hashes.map((h) => client.hGetAll(this.sessionKey(h))))
      const gone: string[] = []
      const live: SessionRecord[] = []
      rows.forEach((fields, i) => {
        const idHash = hashes[i] as string
        const r = toRecord(idHash, fields as Fields)
        if (!r) gone.push(idHash)
        else if (r.userId === userId && r.expiresAt > now && r.absoluteExpiresAt > now) live.push(r)
      })
      if (gone.length > 0) await client.hDel(index, gone) // expired by TTL: prune the index (#3819)
      return live.sort((a, b) => b.createdAt - a.createdAt || (a.handle < b.handle ? -1 : 1))
    })
  }

  async deleteByHandle(userId: number, handle: string): Promise<boolean> {
    this.counters.write('sessions')
    const index = this.indexKey(userId)
    const entries = (await redisCall(() => this.redis.client.hGetAll(index))) as Fields
    const idHash = Object.keys(entries).find((h) => entries[h] === handle)
    if (idHash === undefined) return false
    const removed = Number(await redisCall(() => this.redis.client.del(this.sessionKey(idHash))))
    await redisCall(() => this.redis.client.hDel(index, idHash))
    return removed === 1
  }

  /** Nothing to do: every key carries its TTL, so Redis removes expired sessions itself. */
  async purgeExpired(_now: number): Promise<number> {
    return 0
  }

  /** Live session keys under this prefix (SCAN, on every master of a cluster; tests and diagnostics only). */
  async count(): Promise<number> {
    this.counters.read('sessions')
    return redisCall(() => this.redis.countKeys(this.redis.key('s:*')))
  }
}
