import { createHash, randomBytes } from 'node:crypto'
import type { Clock, Db, StoreCounters, User, UserColumns } from '@auth-lab/shared'
import { deleteInBatches, userColumns, userFromRow } from '@auth-lab/shared'
import type { RefreshConfig } from '../config.js'
import type { RefreshStore } from './refresh-store.js'

/**
 * Families per purge statement. Each cascades to the tokens it still has once the used, expired ones are gone:
 * usually its one unused token; at most the tokens of its last REFRESH_TTL (RB1's budget: 30 + 2,688 with the
 * defaults) when it reached its absolute expiry while rotating. Ten bounds one statement to ~27,000 rows in that
 * worst case (tens of ms) and costs nothing in the usual one.
 */
const FAMILY_BATCH = 10

/**
 * Refresh tokens: what they are, where they live, and which attack each rule stops.
 *
 * - A refresh token is 256 bits from the CSPRNG, base64url (43 chars), sent only in an HttpOnly cookie scoped to
 *   /auth. The database keeps SHA-256(token), never the token: a stolen copy of the file replays nothing.
 * - Each login starts a *family* (one device). Every refresh marks the presented token used and issues its child
 *   (rotation), in one IMMEDIATE transaction whose `UPDATE … WHERE used_at IS NULL` must change exactly one row:
 *   of N concurrent refreshes with one token exactly one wins.
 * - A used token presented again means two parties hold the family's tokens (a thief and the user): the whole
 *   family is revoked and the caller gets `refresh_token_reused` (RFC 9700 §4.14.2). With REFRESH_GRACE > 0 the
 *   token rotated most recently may be replayed within the grace window for a fresh sibling (two tabs refreshing
 *   at once); the next normal rotation supersedes the other siblings, so the family never forks.
 * - Lifetimes: a token idles out REFRESH_TTL after it was issued; a family dies REFRESH_ABSOLUTE_TTL after login
 *   whatever happens. A disabled user, a credential epoch that moved on since the login (a password change,
 *   disable or logout-everywhere in either app), or a token_version different from the family's refreshes nothing.
 * - Unknown, malformed, expired or revoked tokens are `invalid` and change nothing (no oracle, no side effect).
 */
export interface FamilyView {
  id: string
  userId: number
  createdAt: number
  lastUsedAt: number
  expiresAt: number
  userAgent: string | null
  ip: string | null
}

export interface IssuedRefresh {
  token: string
  familyId: string
  /** When this token stops working (ms): idle expiry capped by the family's absolute expiry. */
  expiresAt: number
}

export type RotateResult =
  | { ok: true; refresh: IssuedRefresh; user: User; grace: boolean }
  | { ok: false; reason: 'invalid' }
  | { ok: false; reason: 'reused'; familyId: string; userId: number }
  | { ok: false; reason: 'stale'; familyId: string; userId: number }
  /**
   * The family spent its rotation budget (RB1): nothing changed; the presented token is still the live one (or, for
   * a grace replay past its one overdraft, a used token that stays what it was).
   */
  | { ok: false; reason: 'rate_limited'; retryAfterMs: number }

const TOKEN_FORMAT = /^[A-Za-z0-9_-]{43}$/

export function hashToken(token: string): Buffer {
  return createHash('sha256').update(token).digest()
}

export function isRefreshTokenShaped(token: string | undefined): token is string {
  return token !== undefined && TOKEN_FORMAT.test(token)
}

/** The token, its family and the family's user (`u_…` columns, see `userColumns`) in one indexed read. */
type RotateRow = {
  family_id: string
  used_at: number | null
  expires_at: number
  user_id: number
  family_version: number
  family_epoch: number
  absolute_expires_at: number
  revoked_at: number | null
  last_rotated_hash: Buffer | null
  rotation_budget: number | null
  rotation_budget_at: number | null
} & { [K in keyof UserColumns as `u_${K}`]: UserColumns[K] }

interface FamilyRow {
  id: string
  user_id: number
  created_at: number
  last_used_at: number
  absolute_expires_at: number
  user_agent: string | null
  ip: string | null
}

/** Refresh families and tokens in the shared SQLite file (TOKEN_STORE=sqlite, the default). */
export class RefreshTokens implements RefreshStore {
  readonly kind = 'sqlite'
  private readonly stmt
  private readonly ttlMs: number
  private readonly absoluteMs: number
  private readonly graceMs: number
  private readonly budget: RotationBudget
  private readonly rotateTx: (hash: Buffer, now: number) => RotateResult

  constructor(
    db: Db,
    private readonly counters: StoreCounters,
    private readonly clock: Clock,
    cfg: RefreshConfig,
  ) {
    this.ttlMs = cfg.ttl * 1000
    this.absoluteMs = cfg.absoluteTtl * 1000
    this.graceMs = cfg.grace * 1000
    this.budget = rotationBudget(cfg)
    this.stmt = {
      insertFamily: db.prepare(
        `INSERT INTO refresh_families (id, user_id, token_version, credential_epoch, created_at, last_used_at,
           absolute_expires_at, user_agent, ip) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      insertToken: db.prepare(
        'INSERT INTO refresh_tokens (hash, family_id, parent_hash, created_at, expires_at) VALUES (?, ?, ?, ?, ?)',
      ),
      lookup: db.prepare<[Buffer], RotateRow>(
        `SELECT t.family_id, t.used_at, t.expires_at, f.user_id, f.token_version AS family_version,
           f.credential_epoch AS family_epoch, f.absolute_expires_at, f.revoked_at, f.last_rotated_hash,
           f.rotation_budget, f.rotation_budget_at, ${userColumns('u')}
         FROM refresh_tokens t JOIN refresh_families f ON f.id = t.family_id JOIN users u ON u.id = f.user_id
         WHERE t.hash = ?`,
      ),
      consume: db.prepare('UPDATE refresh_tokens SET used_at = ? WHERE hash = ? AND used_at IS NULL'),
      supersede: db.prepare('UPDATE refresh_tokens SET used_at = ? WHERE family_id = ? AND used_at IS NULL'),
      touchFamily: db.prepare(
        `UPDATE refresh_families SET last_used_at = ?, last_rotated_hash = ?, rotation_budget = ?,
           rotation_budget_at = ? WHERE id = ?`,
      ),
      revoke: db.prepare(
        'UPDATE refresh_families SET revoked_at = ?, revoked_reason = ? WHERE id = ? AND revoked_at IS NULL',
      ),
      revokeForUser: db
        .prepare<[number, string, number], string>(
          `UPDATE refresh_families SET revoked_at = ?, revoked_reason = ? WHERE user_id = ? AND revoked_at IS NULL
           RETURNING id`,
        )
        .pluck(),
      familyOfToken: db.prepare<[Buffer], { family_id: string; user_id: number }>(
        `SELECT t.family_id, f.user_id FROM refresh_tokens t JOIN refresh_families f ON f.id = t.family_id
         WHERE t.hash = ?`,
      ),
      liveForUser: db.prepare<[number, number, number], FamilyRow>(
        `SELECT id, user_id, created_at, last_used_at, absolute_expires_at, user_agent, ip FROM refresh_families
         WHERE user_id = ? AND revoked_at IS NULL AND absolute_expires_at > ? AND last_used_at > ?
         ORDER BY created_at DESC`,
      ),
      spend: db.prepare(
        'UPDATE refresh_families SET rotation_budget = ?, rotation_budget_at = ? WHERE id = ?',
      ),
      carryOver: db.prepare(
        'UPDATE refresh_families SET token_version = ? WHERE id = ? AND token_version < ?',
      ),
      restamp: db.prepare(
        `UPDATE refresh_families SET token_version = ? WHERE user_id = ? AND revoked_at IS NULL
         AND token_version = ?`,
      ),
      // Batched purges (deleteInBatches), each through an index (migration 4). Used tokens go first, so a dead
      // family's cascade is left with its few unused tokens; families go FAMILY_BATCH at a time because each
      // cascades to its tokens (at most REFRESH_BURST + REFRESH_TTL / REFRESH_REFILL, RB1).
      purgeTokens: db.prepare<[number, number]>(
        `DELETE FROM refresh_tokens WHERE rowid IN
           (SELECT rowid FROM refresh_tokens WHERE expires_at <= ? AND used_at IS NOT NULL LIMIT ?)`,
      ),
      purgeExpiredFamilies: db.prepare<[number, number]>(
        'DELETE FROM refresh_families WHERE rowid IN (SELECT rowid FROM refresh_families WHERE absolute_expires_at <= ? LIMIT ?)',
      ),
      purgeRevokedFamilies: db.prepare<[number, number]>(
        `DELETE FROM refresh_families WHERE rowid IN
           (SELECT rowid FROM refresh_families WHERE revoked_at IS NOT NULL AND revoked_at <= ? LIMIT ?)`,
      ),
    }
    this.rotateTx = db.transaction((hash: Buffer, now: number) => this.rotateInTx(hash, now)).immediate
  }

  /** Starts a family for a fresh login and returns its first token. */
  async create(
    user: Pick<User, 'id' | 'tokenVersion' | 'credentialEpoch'>,
    meta: { userAgent?: string; ip?: string } = {},
  ): Promise<IssuedRefresh> {
    const now = this.clock()
    const familyId = randomBytes(16).toString('base64url')
    const absolute = now + this.absoluteMs
    this.counters.write('refresh_families')
    this.stmt.insertFamily.run(
      familyId,
      user.id,
      user.tokenVersion,
      user.credentialEpoch,
      now,
      now,
      absolute,
      meta.userAgent?.slice(0, 256) ?? null,
      meta.ip ?? null,
    )
    return this.insertChild(familyId, null, now, absolute)
  }

  /** Consumes `token` and issues its child, atomically. Malformed tokens are refused without a store access. */
  async rotate(token: string): Promise<RotateResult> {
    if (!isRefreshTokenShaped(token)) return { ok: false, reason: 'invalid' }
    return this.rotateTx(hashToken(token), this.clock())
  }

  /** Revokes one family; true if it was live. */
  async revokeFamily(familyId: string, reason: string): Promise<boolean> {
    return this.revokeFamilyNow(familyId, reason)
  }

  private revokeFamilyNow(familyId: string, reason: string): boolean {
    this.counters.write('refresh_families')
    return this.stmt.revoke.run(this.clock(), reason, familyId).changes === 1
  }

  /** Nothing to confirm: revoke and cut write the same local file (refresh-store.ts). */
  async cutDone(_userId: number, _familyIds: readonly string[]): Promise<void> {}

  async cutPending(_userId: number, _familyId: string): Promise<boolean> {
    return false
  }

  /** The family a presented token belongs to (logout by cookie), or null. No validity check: logout always works. */
  async familyOf(token: string | undefined): Promise<{ familyId: string; userId: number } | null> {
    if (!isRefreshTokenShaped(token)) return null
    this.counters.read('refresh_tokens')
    this.counters.read('refresh_families')
    const row = this.stmt.familyOfToken.get(hashToken(token))
    return row ? { familyId: row.family_id, userId: row.user_id } : null
  }

  /** Revokes every live family of a user; returns their ids. */
  async revokeAllForUser(userId: number, reason: string): Promise<string[]> {
    this.counters.write('refresh_families')
    return this.stmt.revokeForUser.all(this.clock(), reason, userId)
  }

  /** The user's live devices, newest first. */
  async listForUser(userId: number): Promise<FamilyView[]> {
    const now = this.clock()
    this.counters.read('refresh_families')
    return this.stmt.liveForUser.all(userId, now, now - this.ttlMs).map((f) => ({
      id: f.id,
      userId: f.user_id,
      createdAt: f.created_at,
      lastUsedAt: f.last_used_at,
      expiresAt: Math.min(f.last_used_at + this.ttlMs, f.absolute_expires_at),
      userAgent: f.user_agent,
      ip: f.ip,
    }))
  }

  /**
   * After a token_version bump meant to cut only *access* tokens (REVOCATION=version logout of one device), carries
   * the user's other live families that were on the previous version over to the new one, so those devices
   * recover with one refresh instead of being logged out.
   */
  async restampLive(userId: number, newVersion: number): Promise<void> {
    this.restampLiveNow(userId, newVersion)
  }

  /** The synchronous restamp, for the version strategy's IMMEDIATE transaction (bump + restamp, both or neither). */
  restampLiveNow(userId: number, newVersion: number): void {
    this.counters.write('refresh_families')
    this.stmt.restamp.run(newVersion, userId, newVersion - 1)
  }

  /**
   * Deletes used, expired tokens and dead families (past absolute expiry, or revoked long enough ago) with their
   * remaining tokens; in batches that yield to the event loop between them (`signal` stops it between batches).
   */
  async purge(now = this.clock(), signal?: AbortSignal): Promise<number> {
    this.counters.write('refresh_families')
    this.counters.write('refresh_tokens')
    const tokens = await deleteInBatches([(limit) => this.stmt.purgeTokens.run(now, limit).changes], {
      signal,
    })
    // Revoked families are kept for one idle lifetime so a late replay is still recognised as a revoked family.
    const families = await deleteInBatches(
      [
        (limit) => this.stmt.purgeExpiredFamilies.run(now, limit).changes,
        (limit) => this.stmt.purgeRevokedFamilies.run(now - this.ttlMs, limit).changes,
      ],
      { signal, limit: FAMILY_BATCH },
    )
    return tokens + families
  }

  private rotateInTx(hash: Buffer, now: number): RotateResult {
    this.counters.read('refresh_tokens')
    this.counters.read('refresh_families')
    this.counters.read('users')
    const row = this.stmt.lookup.get(hash)
    if (!row || row.revoked_at !== null) return { ok: false, reason: 'invalid' }
    if (now >= row.absolute_expires_at || now >= row.expires_at) return { ok: false, reason: 'invalid' }
    const user = userFromRow(row, 'u_')
    if (!user) return { ok: false, reason: 'invalid' } // unreachable: the JOIN is inner
    if (user.disabled || user.credentialEpoch !== row.family_epoch) {
      // Disabled, or credentials ended in either app since this login (F2).
      this.revokeFamilyNow(row.family_id, user.disabled ? 'user_disabled' : 'credential_epoch')
      return { ok: false, reason: 'stale', familyId: row.family_id, userId: row.user_id }
    }
    if (user.tokenVersion > row.family_version) {
      // A live family behind the user's token_version missed a cut's restamp: created by a login whose argon2 ran
      // while another device logged out, or (Redis) rotated on another instance between a cut's bump and its
      // restamp. A cut revokes the families it means to end and an epoch bump ends the rest, so a version behind
      // is never a reason to log this device out: it is carried over, as the restamp would have done (found in
      // review: both races revoked an innocent device as `token_version`).
      this.counters.write('refresh_families')
      this.stmt.carryOver.run(user.tokenVersion, row.family_id, user.tokenVersion)
    }
    let grace = false
    if (row.used_at !== null) {
      const newest = row.last_rotated_hash !== null && hash.equals(row.last_rotated_hash)
      if (!(this.graceMs > 0 && newest && now - row.used_at <= this.graceMs)) {
        this.revokeFamilyNow(row.family_id, 'reuse')
        return { ok: false, reason: 'reused', familyId: row.family_id, userId: row.user_id }
      }
      grace = true // a fresh sibling; the token stays used and the earlier child stays valid
    }
    // After reuse detection (a used token revokes the family whatever the budget), before anything is issued.
    const spent = spendRotation(this.budget, row.rotation_budget, row.rotation_budget_at, now, grace)
    if (!spent.ok) return { ok: false, reason: 'rate_limited', retryAfterMs: spent.retryAfterMs }
    const left = this.budget.burst === null ? null : spent.left
    if (grace && left !== null) {
      this.counters.write('refresh_families')
      this.stmt.spend.run(left, now, row.family_id)
    }
    if (!grace) {
      this.counters.write('refresh_tokens')
      if (this.stmt.consume.run(now, hash).changes !== 1) {
        this.revokeFamilyNow(row.family_id, 'reuse')
        return { ok: false, reason: 'reused', familyId: row.family_id, userId: row.user_id }
      }
      // Supersede siblings left by a grace replay: one live token per family.
      this.counters.write('refresh_tokens')
      this.stmt.supersede.run(now, row.family_id)
      this.counters.write('refresh_families')
      this.stmt.touchFamily.run(now, hash, left, left === null ? null : now, row.family_id)
    }
    const refresh = this.insertChild(row.family_id, hash, now, row.absolute_expires_at)
    return { ok: true, refresh, user, grace }
  }

  private insertChild(familyId: string, parent: Buffer | null, now: number, absolute: number): IssuedRefresh {
    const token = randomBytes(32).toString('base64url')
    const expiresAt = Math.min(now + this.ttlMs, absolute)
    this.counters.write('refresh_tokens')
    this.stmt.insertToken.run(hashToken(token), familyId, parent, now, expiresAt)
    return { token, familyId, expiresAt }
  }
}

/** A family's rotation budget (RB1): `burst` back to back, refilled at one per `refillMs`; null burst = none. */
export interface RotationBudget {
  burst: number | null
  refillMs: number
}

export function rotationBudget(cfg: RefreshConfig): RotationBudget {
  return cfg.rotationBurst === undefined
    ? { burst: null, refillMs: 1 }
    : { burst: cfg.rotationBurst, refillMs: cfg.rotationRefillMs ?? 1 }
}

/**
 * One rotation out of a token bucket stored on the family: `left` rotations as of `at` (null = a full bucket).
 * Why a budget and not a cap on the used tokens kept: reuse detection needs every used token for its lifetime — a
 * cap of "the newest N" let a thief rotate N times and turn the victim's return into "unknown" (review RB1) — so
 * what is bounded is how fast a family can add them: at most burst + REFRESH_TTL / refill rows per family.
 */
export function spendRotation(
  b: { burst: number | null; refillMs: number },
  left: number | null,
  at: number | null,
  now: number,
  grace = false,
): { ok: true; left: number } | { ok: false; retryAfterMs: number } {
  const burst = b.burst ?? Number.POSITIVE_INFINITY
  const level =
    left === null || at === null ? burst : Math.min(burst, left + Math.max(0, now - at) / b.refillMs)
  // A grace replay (REFRESH_GRACE) may overdraw by one (review X5): its token is already used, so a 429 telling it
  // to come back after REFRESH_REFILL (450 s) — longer than any grace window — turned the client's retry of a lost
  // response into reuse detection: the family was revoked. The debt is repaid before the next rotation, so a family
  // still adds at most burst + 1 + REFRESH_TTL / refill tokens.
  const need = grace ? 0 : 1
  if (level < need) return { ok: false, retryAfterMs: Math.ceil((need - level) * b.refillMs) }
  return { ok: true, left: level - 1 }
}
