import { createHash } from 'node:crypto'
import {
  type AppServer,
  type DbSnapshot,
  fileContains,
  findValue,
  type RedisHandle,
  rowCounts,
  rowsForUser,
  snapshot,
  tableNames,
  withDb,
  withWritableDb,
} from '@auth-lab/test'

/**
 * Gray-box reads of what a server keeps per session or per token, whatever the store (issue 12): the cases ask
 * the probe, never the SQLite file or Redis directly, so one case proves the same thing on both stores.
 * - SQLite: the tables of apps/stateful/src/session and apps/stateless/src/tokens (read-only, except the
 *   user-store set-up steps the catalogue prescribes: disable or delete a user).
 * - Redis: SCAN under the server's REDIS_PREFIX and the key layout of docs/redis.md ("Key layout and TTLs"):
 *   `s:<sha256(id)>` sessions, `{u:<id>}:sessions` their index, `rt:<sha256(token)>` token pointers,
 *   `{u:<id>}:f:<family>` families, `{u:<id>}:families` their index, `{u:<id>}:deny:j|s:…` deny-list entries,
 *   `{tu:…}` / `{ti:…}` throttle. Users stay in SQLite on both.
 * Entries are grouped under the SQLite table names, so `nothingLost`'s `allowTables` means the same on both.
 */
export type StoreKind = 'sqlite' | 'redis'

export interface FamilyState {
  revokedAt: number | null
  reason: string | null
}

export interface StoreProbe {
  readonly kind: StoreKind
  /** Whether a credential is stored anywhere raw, and whether its SHA-256 (hex / base64url / base64) is. */
  stored(value: string): Promise<{ raw: boolean; hashed: boolean }>
  /** Entries per table / key group (users included): "no rows created" checks compare two of these. */
  counts(): Promise<Record<string, number>>
  /** Primary records (sessions, refresh families, refresh tokens) that belong to one user, per group. */
  forUser(userId: number): Promise<Record<string, number>>
  family(familyId: string): Promise<FamilyState | undefined>
  /** A refresh token's record: its family and whether it was used (may no longer rotate). */
  token(rt: string): Promise<{ familyId: string; used: boolean } | undefined>
  /** Tokens of a family that may still rotate (0 when the family is revoked or gone). */
  liveTokens(familyId: string): Promise<number>
  /** Until when (epoch ms) the deny-list refuses the access token `jti` of `userId`; undefined when not listed. */
  deniedUntil(userId: number, jti: string): Promise<number | undefined>
  /** Users (every column the NL check compares) and every store group, for `diffSnapshots`. */
  snapshot(): Promise<DbSnapshot>
  /** Keys with no TTL (PTTL −1); always [] on SQLite, where purge jobs remove what expired. */
  keysWithoutTtl(): Promise<string[]>
  // The user store (SQLite on both):
  setDisabled(userId: number): void
  deleteUser(userId: number): void
  tokenVersion(userId: number): number
}

const sha256 = (v: string) => createHash('sha256').update(v).digest()

function sqliteUsers(dbPath: string) {
  return {
    setDisabled(userId: number) {
      withWritableDb(dbPath, (db) => db.prepare('UPDATE users SET disabled = 1 WHERE id = ?').run(userId))
    },
    deleteUser(userId: number) {
      withWritableDb(dbPath, (db) => db.prepare('DELETE FROM users WHERE id = ?').run(userId))
    },
    tokenVersion: (userId: number) =>
      withDb(dbPath, (db) =>
        db.prepare('SELECT token_version FROM users WHERE id = ?').pluck().get(userId),
      ) as number,
  }
}

export function sqliteProbe(dbPath: string): StoreProbe {
  return {
    kind: 'sqlite',
    ...sqliteUsers(dbPath),
    async stored(value) {
      const found = findValue(dbPath, value)
      return { raw: found.raw || fileContains(dbPath, value), hashed: found.hashed }
    },
    counts: async () => rowCounts(dbPath),
    forUser: async (userId) => rowsForUser(dbPath, userId),
    async family(familyId) {
      const row = withDb(dbPath, (db) =>
        db.prepare('SELECT revoked_at, revoked_reason FROM refresh_families WHERE id = ?').get(familyId),
      ) as { revoked_at: number | null; revoked_reason: string | null } | undefined
      return row && { revokedAt: row.revoked_at, reason: row.revoked_reason }
    },
    async token(rt) {
      const row = withDb(dbPath, (db) =>
        db.prepare('SELECT family_id, used_at FROM refresh_tokens WHERE hash = ?').get(sha256(rt)),
      ) as { family_id: string; used_at: number | null } | undefined
      return row && { familyId: row.family_id, used: row.used_at !== null }
    },
    async liveTokens(familyId) {
      return withDb(dbPath, (db) =>
        db
          .prepare(
            `SELECT COUNT(*) FROM refresh_tokens t JOIN refresh_families f ON f.id = t.family_id
             WHERE t.family_id = ? AND t.used_at IS NULL AND f.revoked_at IS NULL`,
          )
          .pluck()
          .get(familyId),
      ) as number
    },
    async deniedUntil(_userId, jti) {
      const row = withDb(dbPath, (db) =>
        tableNames(db).includes('token_denylist')
          ? db.prepare('SELECT expires_at FROM token_denylist WHERE key LIKE ?').get(`%${jti}%`)
          : undefined,
      ) as { expires_at: number } | undefined
      return row?.expires_at
    },
    snapshot: async () => snapshot(dbPath),
    keysWithoutTtl: async () => [],
  }
}

/** One stored key: its name without the prefix, its group, its content as strings (sorted for sets), its PTTL. */
interface Entry {
  name: string
  group: string
  fields: Record<string, string>
  pttl: number
}

/** Which table a key stands for (the SQLite name where there is one). */
function groupOf(name: string): string {
  if (name.startsWith('s:')) return 'sessions'
  if (name.startsWith('rt:')) return 'refresh_tokens'
  if (/^\{u:\d+\}:sessions$/.test(name)) return 'session_index'
  if (/^\{u:\d+\}:families$/.test(name)) return 'family_index'
  if (/^\{u:\d+\}:f:/.test(name)) return 'refresh_families'
  if (/^\{u:\d+\}:deny:/.test(name)) return 'token_denylist'
  if (/^\{t[ui]:/.test(name)) return 'throttle'
  return 'other'
}

/** Fields that legitimately move on a read-only request (the sliding expiry): like db-inspect's VOLATILE columns. */
const VOLATILE: Record<string, readonly string[]> = {
  sessions: ['l', 'x', 'd'],
  refresh_families: ['l'],
}

/** Every key under `prefix` with its content and PTTL (a test database holds a few hundred keys at most). */
export async function dumpRedis(redis: RedisHandle, prefix: string): Promise<Entry[]> {
  const { client } = redis
  const names: string[] = []
  for await (const keys of client.scanIterator({ MATCH: `${prefix}*`, COUNT: 1000 })) names.push(...keys)
  return Promise.all(
    names.map(async (key): Promise<Entry> => {
      const type = String(await client.type(key))
      let fields: Record<string, string> = {}
      if (type === 'hash') fields = (await client.hGetAll(key)) as Record<string, string>
      else if (type === 'string') fields = { value: String(await client.get(key)) }
      else if (type === 'set')
        fields = Object.fromEntries((await client.sMembers(key)).map((m) => [String(m), '']))
      else if (type === 'zset')
        fields = Object.fromEntries(
          (await client.zRangeWithScores(key, 0, -1)).map((m) => [String(m.value), String(m.score)]),
        )
      const name = key.slice(prefix.length)
      return { name, group: groupOf(name), fields, pttl: Number(await client.pTTL(key)) }
    }),
  )
}

export function redisProbe(dbPath: string, redis: RedisHandle, prefix: string): StoreProbe {
  const { client } = redis
  const dump = () => dumpRedis(redis, prefix)
  const familyKey = (familyId: string) => `${prefix}{u:${familyId.split('.')[0]}}:f:${familyId}`
  const familyOf = async (familyId: string) => {
    const f = (await client.hGetAll(familyKey(familyId))) as Record<string, string>
    return f.a === undefined ? undefined : f
  }
  const liveOf = (f: Record<string, string>) => (f.live ?? '').split(',').filter(Boolean)
  const groups = [
    'sessions',
    'session_index',
    'refresh_tokens',
    'refresh_families',
    'family_index',
    'token_denylist',
  ]
  return {
    kind: 'redis',
    ...sqliteUsers(dbPath),
    async stored(value) {
      const d = sha256(value)
      const hashed = [d.toString('hex'), d.toString('base64url'), d.toString('base64')]
      let raw = false
      let isHashed = false
      for (const e of await dump()) {
        for (const s of [e.name, ...Object.entries(e.fields).flat()]) {
          if (s.includes(value)) raw = true
          if (hashed.some((h) => s.includes(h))) isHashed = true
        }
      }
      return { raw, hashed: isHashed }
    },
    async counts() {
      const out: Record<string, number> = { ...rowCounts(dbPath) }
      for (const g of [...groups, 'throttle', 'other']) out[g] = 0
      for (const e of await dump()) out[e.group] = (out[e.group] ?? 0) + 1
      return out
    },
    async forUser(userId) {
      const out: Record<string, number> = { sessions: 0, refresh_families: 0, refresh_tokens: 0 }
      for (const e of await dump()) {
        if (e.group === 'sessions' && e.fields.u === String(userId)) out.sessions = (out.sessions ?? 0) + 1
        if (e.group === 'refresh_tokens' && e.fields.value?.startsWith(`${userId}:`))
          out.refresh_tokens = (out.refresh_tokens ?? 0) + 1
        if (e.group === 'refresh_families' && e.name.startsWith(`{u:${userId}}:`))
          out.refresh_families = (out.refresh_families ?? 0) + 1
      }
      return out
    },
    async family(familyId) {
      const f = await familyOf(familyId)
      return f && { revokedAt: f.r === undefined ? null : Number(f.r), reason: f.rr ?? null }
    },
    async token(rt) {
      const hash = sha256(rt).toString('hex')
      const pointer = await client.get(`${prefix}rt:${hash}`)
      if (pointer === null) return undefined
      const familyId = String(pointer).split(':')[1] ?? ''
      const f = await familyOf(familyId)
      return { familyId, used: !f || !liveOf(f).includes(hash) }
    },
    async liveTokens(familyId) {
      const f = await familyOf(familyId)
      return !f || f.r !== undefined ? 0 : liveOf(f).length
    },
    async deniedUntil(userId, jti) {
      const ms = Number(await client.pTTL(`${prefix}{u:${userId}}:deny:j:${jti}`))
      return ms >= 0 ? Date.now() + ms : undefined
    },
    async snapshot() {
      const base = snapshot(dbPath)
      const rows = new Map<string, string[]>(groups.map((g) => [g, []]))
      // Throttle keys are left out, as the SQLite snapshot leaves out `login_throttle`: attempt bookkeeping, not
      // stored credential state.
      for (const e of await dump()) {
        const list = rows.get(e.group)
        if (!list) continue
        const skip = VOLATILE[e.group] ?? []
        const kept = Object.entries(e.fields)
          .filter(([k]) => !skip.includes(k))
          .sort(([a], [b]) => a.localeCompare(b))
        list.push(JSON.stringify([e.name, kept]))
      }
      for (const [g, list] of rows) {
        list.sort()
        const digest = createHash('sha256').update(list.join('\n')).digest('hex')
        base.tables.set(g, { count: list.length, digest, rows: new Set(list) })
      }
      return base
    },
    async keysWithoutTtl() {
      return (await dump()).filter((e) => e.pttl === -1).map((e) => e.name)
    },
  }
}

/** The probe for a server: Redis when it keeps its sessions / tokens there (`connect` opens the client). */
export function probeFor(
  server: AppServer,
  connect: (url: string) => Promise<RedisHandle>,
): Promise<StoreProbe> {
  const url = server.env.REDIS_URL
  const onRedis = server.env.SESSION_STORE === 'redis' || server.env.TOKEN_STORE === 'redis'
  if (!url || !onRedis) return Promise.resolve(sqliteProbe(server.dbPath))
  return connect(url).then((r) => redisProbe(server.dbPath, r, server.env.REDIS_PREFIX ?? 'auth-lab:'))
}

/** `stores` of a case about per-session / per-token state: it runs on SQLite and on Redis. */
export const BOTH_STORES: readonly StoreKind[] = ['sqlite', 'redis']
