import type { Clock, Db, PublicUser, SqliteUserStore, User } from '@auth-lab/shared'
import { publicUser } from '@auth-lab/shared'
import type { RevocationMode } from '../config.js'
import type { AccessTokens, IssuedAccess, VerifiedAccess } from '../tokens/access-token.js'
import type { Denylist } from '../tokens/denylist.js'
import type { IssuedRefresh, RefreshTokens } from '../tokens/refresh-token.js'

/**
 * What the routes ask of the token layer: issue a pair, refresh, check a token against the revocation mode, and
 * revoke (one device, all devices). The revocation mode decides how a revoked device's *access* tokens die:
 * - `none`: they do not; they live until `exp` (≤ ACCESS_TTL). /me reads nothing from the store.
 * - `denylist`: a `jti` entry for the token presented at logout and a `sid` entry per revoked family; /me makes one
 *   deny-list read.
 * - `version`: the user's token_version is bumped, which cuts every access token of the user at once; the other
 *   live devices are carried over to the new version and recover with one refresh. /me makes one users read.
 * Refresh families are revoked in the store in every mode.
 */
export interface TokenPair {
  access: IssuedAccess
  refresh: IssuedRefresh
  user: PublicUser
}

export type RefreshOutcome =
  | { ok: true; pair: TokenPair }
  | { ok: false; code: 'invalid_refresh_token' | 'refresh_token_reused' }

export interface DeviceMeta {
  userAgent?: string
  ip?: string
}

export class TokenService {
  private readonly retentionMs: number
  private readonly toleranceSeconds: number
  private readonly bumpAndRestamp: (userId: number) => void

  constructor(
    db: Db,
    private readonly users: SqliteUserStore,
    readonly access: AccessTokens,
    readonly refreshTokens: RefreshTokens,
    private readonly denylist: Denylist,
    readonly mode: RevocationMode,
    private readonly clock: Clock,
    opts: { accessTtl: number; clockTolerance: number },
  ) {
    this.retentionMs = (opts.accessTtl + opts.clockTolerance) * 1000
    this.toleranceSeconds = opts.clockTolerance
    this.bumpAndRestamp = db.transaction((userId: number) => {
      const version = this.users.bumpTokenVersion(userId)
      this.refreshTokens.restampLive(userId, version)
    }).immediate
  }

  /** Login: a new family (device) and its first pair. */
  async login(user: User, meta: DeviceMeta): Promise<TokenPair> {
    const refresh = this.refreshTokens.create(user, meta)
    const access = await this.access.issue(user, refresh.familyId)
    return { access, refresh, user: publicUser(user) }
  }

  async refresh(token: string): Promise<RefreshOutcome> {
    const result = this.refreshTokens.rotate(token)
    if (!result.ok) {
      if (result.reason === 'invalid') return { ok: false, code: 'invalid_refresh_token' }
      // Reuse (or a stale family): the family is revoked; its live access tokens go with it where the mode can.
      // A stale family under `version` needs no bump: its access tokens already carry an outdated `ver`.
      if (result.reason === 'reused' || this.mode !== 'version')
        this.cutAccessTokens(result.userId, [result.familyId])
      return {
        ok: false,
        code: result.reason === 'reused' ? 'refresh_token_reused' : 'invalid_refresh_token',
      }
    }
    const access = await this.access.issue(result.user, result.refresh.familyId)
    return { ok: true, pair: { access, refresh: result.refresh, user: publicUser(result.user) } }
  }

  /**
   * The per-request revocation check after a signature verified: the user to serve, or null if revoked.
   * REVOCATION=none answers from the claims with zero store access.
   */
  check(v: VerifiedAccess): PublicUser | null {
    if (this.mode === 'none') return v.user
    if (this.mode === 'denylist') return this.denylist.isDenied(v.jti, v.sid) ? null : v.user
    const u = this.users.findById(v.user.id)
    if (!u || u.disabled || u.tokenVersion !== v.tokenVersion) return null
    return publicUser(u)
  }

  /** Logout of one device, by refresh cookie and/or a verified access token. Idempotent; never fails. */
  logout(refreshToken: string | undefined, access: VerifiedAccess | null): void {
    const families = new Map<string, number>()
    const byCookie = this.refreshTokens.familyOf(refreshToken)
    if (byCookie) families.set(byCookie.familyId, byCookie.userId)
    if (access) families.set(access.sid, access.user.id)
    if (access && this.mode === 'denylist') {
      // Until the token would be refused anyway: its exp plus the verifier's leeway.
      this.denylist.denyToken(access.jti, (access.exp + this.toleranceSeconds) * 1000)
    }
    // A family revoked earlier had its access tokens cut then; only newly revoked ones need it now.
    const cut = new Map<number, string[]>()
    for (const [familyId, userId] of families) {
      if (this.refreshTokens.revokeFamily(familyId, 'logout'))
        cut.set(userId, [...(cut.get(userId) ?? []), familyId])
    }
    for (const [userId, ids] of cut) this.cutAccessTokens(userId, ids)
  }

  /** Every device of the user: all families revoked and token_version bumped (all modes). */
  logoutAll(userId: number): void {
    const families = this.refreshTokens.revokeAllForUser(userId, 'logout_all')
    this.users.bumpTokenVersion(userId)
    if (this.mode === 'denylist') this.denylist.denyFamilies(families, this.clock() + this.retentionMs)
  }

  /** Revokes one device of the user; false if it is not a live device of theirs (404, no oracle across users). */
  revokeDevice(userId: number, familyId: string): boolean {
    const owned = this.refreshTokens.listForUser(userId).some((f) => f.id === familyId)
    if (!owned || !this.refreshTokens.revokeFamily(familyId, 'revoked_by_user')) return false
    this.cutAccessTokens(userId, [familyId])
    return true
  }

  /** After a password change: every family revoked, version bumped, and a fresh pair for the device that asked. */
  async afterPasswordChange(userId: number, meta: DeviceMeta): Promise<TokenPair> {
    this.logoutAll(userId)
    const user = this.users.findById(userId)
    if (!user) throw new Error('user vanished during password change')
    return this.login(user, meta)
  }

  purge(): number {
    return this.denylist.purge() + this.refreshTokens.purge()
  }

  /** Kills the access tokens of revoked families, as far as the mode allows (none: it cannot). */
  private cutAccessTokens(userId: number, familyIds: string[]): void {
    if (familyIds.length === 0) return
    if (this.mode === 'denylist') this.denylist.denyFamilies(familyIds, this.clock() + this.retentionMs)
    else if (this.mode === 'version') this.bumpAndRestamp(userId)
  }
}
