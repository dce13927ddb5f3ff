import type { PublicUser, User, UserStore } from '@auth-lab/shared'
import { publicUser, StoreUnavailableError } from '@auth-lab/shared'
import type { AccessTokens, IssuedAccess, VerifiedAccess } from '../tokens/access-token.js'
import type { RefreshStore } from '../tokens/refresh-store.js'
import type { FamilyView, IssuedRefresh } from '../tokens/refresh-token.js'
import type { Revocation } from '../tokens/revocation/index.js'
import type { VerifiedTokenCache } from '../tokens/verified-cache.js'

/**
 * What the routes ask of the token layer: issue a pair, refresh, verify and check an access token, list and revoke
 * devices. Refresh families are revoked in the store in every mode; what that does to the family's live *access*
 * tokens is the revocation strategy's business (tokens/revocation/: none | denylist | version), chosen once at
 * wiring, so nothing here branches on the mode.
 */
export interface TokenPair {
  access: IssuedAccess
  refresh: IssuedRefresh
  user: PublicUser
}

export type RefreshOutcome =
  | { ok: true; pair: TokenPair }
  | { ok: false; code: 'invalid_refresh_token' | 'refresh_token_reused' }
  /** The family spent its rotation budget (REFRESH_BURST / REFRESH_REFILL): the cookie stays valid; retry later. */
  | { ok: false; code: 'too_many_attempts'; retryAfterSeconds: number }

export interface DeviceMeta {
  userAgent?: string
  ip?: string
}

export interface TokenServiceOptions {
  users: UserStore
  access: AccessTokens
  refresh: RefreshStore
  revocation: Revocation
  /** Live families (devices) per user; a login beyond it revokes the oldest (F9). Default: no cap. */
  maxFamiliesPerUser?: number
  /** ACCESS_TOKEN_CACHE (tokens/verified-cache.ts): remembers jose's successes; absent = every request verifies. */
  cache?: VerifiedTokenCache
}

export class TokenService {
  private readonly users: UserStore
  private readonly access: AccessTokens
  private readonly refreshTokens: RefreshStore
  readonly revocation: Revocation
  private readonly cache: VerifiedTokenCache | undefined

  constructor(opts: TokenServiceOptions) {
    this.users = opts.users
    this.access = opts.access
    this.refreshTokens = opts.refresh
    this.revocation = opts.revocation
    this.maxFamilies = opts.maxFamiliesPerUser ?? Number.POSITIVE_INFINITY
    this.cache = opts.cache
  }

  private readonly maxFamilies: number

  /** Login: a new family (device) and its first pair. */
  async login(user: User, meta: DeviceMeta): Promise<TokenPair> {
    // Room first (the cap's oldest devices revoked, their access tokens cut), then token_version as it is NOW,
    // then the family and the access token, both stamped with it. Why this order (two reviews, session 8):
    // - a cut — this login's own eviction, or another device's logout while this login's argon2 ran — bumps the
    //   version under REVOCATION=version, so a token signed with the version read before the login was dead on
    //   arrival, and its family born a version behind;
    // - reading the version AFTER the family exists let a cut that revoked this very family (another device's
    //   "revoke device" in between) leave its access token valid until exp. Read before the family exists, any
    //   cut of this family comes after the read and kills the token.
    // The credential epoch stays the one the password was checked under: a logout-all or password change since
    // then must end this login too. Concurrent logins may exceed the cap briefly by their number, never grow it.
    await this.evictBeyondCap(user.id)
    const current = this.users.findById(user.id)
    const stamped = current ? { ...user, tokenVersion: current.tokenVersion } : user
    const refresh = await this.refreshTokens.create(stamped, meta)
    const access = await this.access.issue(stamped, refresh.familyId)
    return { access, refresh, user: publicUser(user) }
  }

  async refresh(token: string): Promise<RefreshOutcome> {
    const result = await this.refreshTokens.rotate(token)
    if (!result.ok) {
      if (result.reason === 'invalid') return { ok: false, code: 'invalid_refresh_token' }
      if (result.reason === 'rate_limited')
        return {
          ok: false,
          code: 'too_many_attempts',
          retryAfterSeconds: Math.max(1, Math.ceil(result.retryAfterMs / 1000)),
        }
      // The family was revoked in the store; its live access tokens go with it where the mode can.
      if (result.reason === 'reused') {
        await this.cutAndConfirm(result.userId, [result.familyId])
        return { ok: false, code: 'refresh_token_reused' }
      }
      await this.revocation.onStale(result.userId, result.familyId)
      return { ok: false, code: 'invalid_refresh_token' }
    }
    const access = await this.access.issue(result.user, result.refresh.familyId)
    return { ok: true, pair: { access, refresh: result.refresh, user: publicUser(result.user) } }
  }

  /**
   * Signature and claims only, no revocation check (logout: an already revoked token revokes nothing). With the
   * verified-token cache, a token jose already accepted is answered from memory until its exp (+ tolerance).
   */
  verify(token: string): Promise<VerifiedAccess | null> {
    // [caches wiring] the cache stands in for jose only; check() below still runs on every request.
    return this.cache ? this.cache.verify(token, this.verifyWithJose) : this.access.verify(token)
  }

  private readonly verifyWithJose = (token: string) => this.access.verify(token)

  /** The per-request revocation check after a signature verified: the user to serve, or null if revoked. */
  check(token: VerifiedAccess): Promise<PublicUser | null> {
    return this.revocation.check(token)
  }

  /**
   * Logout of one device, by its refresh cookie(s) and/or a verified, unrevoked access token. Idempotent; never
   * fails. More than one cookie only happens when a duplicate was tossed in (F5): each presented family is revoked.
   */
  async logout(refreshTokens: readonly string[], access: VerifiedAccess | null): Promise<void> {
    const families = new Map<string, number>()
    for (const token of refreshTokens) {
      const byCookie = await this.refreshTokens.familyOf(token)
      if (byCookie) families.set(byCookie.familyId, byCookie.userId)
    }
    if (access) {
      families.set(access.sid, access.user.id)
      await this.revocation.onLogout(access)
    }
    // A family revoked earlier had its access tokens cut then; only newly revoked ones need it now.
    const cut = new Map<number, string[]>()
    for (const [familyId, userId] of families) {
      if (await this.refreshTokens.revokeFamily(familyId, 'logout'))
        cut.set(userId, [...(cut.get(userId) ?? []), familyId])
    }
    for (const [userId, ids] of cut) await this.cutAndConfirm(userId, ids)
  }

  /**
   * Cuts the access tokens of revoked families, then confirms it to the store. Two steps that can fail apart on
   * Redis: until confirmed, the family reads as "revoked, cut pending", and the next logout, device revoke or
   * reuse replay of it cuts again (review B2: a failed cut was otherwise never retried).
   */
  private async cutAndConfirm(userId: number, familyIds: string[]): Promise<void> {
    await this.revocation.cut(userId, familyIds)
    await this.refreshTokens.cutDone(userId, familyIds)
  }

  /**
   * Every device of the user, in both apps: all families revoked, and the credential epoch (with token_version)
   * bumped, which also ends the user's sessions in the stateful app and refuses older access tokens under
   * `denylist`/`version` (F2).
   */
  async logoutAll(userId: number): Promise<void> {
    const families = await this.refreshTokens.revokeAllForUser(userId, 'logout_all')
    this.users.endCredentials(userId)
    await this.revocation.onLogoutAll(userId, families)
    await this.refreshTokens.cutDone(userId, families)
  }

  /** The user's live devices (refresh families), newest first. */
  listDevices(userId: number): Promise<FamilyView[]> {
    return this.refreshTokens.listForUser(userId)
  }

  /**
   * Revokes one device of the user; false if it is neither a live device of theirs nor one of theirs whose revocation
   * is still waiting for its cut (404, no oracle across users).
   */
  async revokeDevice(userId: number, familyId: string): Promise<boolean> {
    // A live device of theirs, or one revoked by an earlier attempt whose cut failed (503): the retry finishes it.
    const owned =
      (await this.refreshTokens.listForUser(userId)).some((f) => f.id === familyId) ||
      (await this.refreshTokens.cutPending(userId, familyId))
    if (!owned || !(await this.refreshTokens.revokeFamily(familyId, 'revoked_by_user'))) return false
    await this.cutAndConfirm(userId, [familyId])
    return true
  }

  /**
   * After a password change (`UserStore.changePassword` has stored the hash and bumped the epoch and version to
   * `ended`): every family revoked, and a fresh pair for the device that asked, stamped with `ended` — not with a
   * re-read of the row, which could pick up a later logout-all's bump and outlive it (found in review, Redis token
   * store: both fresh pairs of two racing changes stayed alive). If such a bump came meanwhile, the pair is born
   * dead: fails closed, the device logs in again.
   */
  async afterPasswordChange(
    userId: number,
    ended: { credentialEpoch: number; tokenVersion: number },
    meta: DeviceMeta,
    report: (err: unknown) => void = () => {},
  ): Promise<TokenPair> {
    // Clean-up only: the committed epoch bump already ends every family (rotation refuses a stale epoch) and every
    // denylist/version access token (both checks compare the users row). A store error here must not turn the
    // committed change into a 503 that also leaves the device logged out (review B3): report it, and issue the
    // device's new pair.
    try {
      const families = await this.refreshTokens.revokeAllForUser(userId, 'logout_all')
      await this.revocation.onLogoutAll(userId, families)
      await this.refreshTokens.cutDone(userId, families)
    } catch (err) {
      if (!(err instanceof StoreUnavailableError)) throw err
      report(err)
    }
    const user = this.users.findById(userId)
    if (!user) throw new Error('user vanished during password change')
    return this.login({ ...user, ...ended }, meta)
  }

  /**
   * F9: at most `maxFamiliesPerUser` live devices per user. One list read per login; argon2 dominates a login anyway.
   * Makes room for a login's new family: revokes the user's live families beyond cap − 1, oldest first, and cuts
   * their access tokens. Runs before the new family exists, so it can never take that one (concurrent logins in one
   * millisecond share `created_at`, and the order among equals is arbitrary: evicting afterwards could pick it).
   */
  private async evictBeyondCap(userId: number): Promise<void> {
    if (!Number.isFinite(this.maxFamilies)) return
    const live = await this.refreshTokens.listForUser(userId) // newest first
    const stale = live.slice(Math.max(0, this.maxFamilies - 1))
    const revoked: string[] = []
    for (const f of stale) if (await this.refreshTokens.revokeFamily(f.id, 'evicted')) revoked.push(f.id)
    if (revoked.length > 0) await this.cutAndConfirm(userId, revoked)
  }

  /** Deletes dead refresh families and tokens, and revocation entries that can no longer matter. */
  async purge(signal?: AbortSignal): Promise<number> {
    return (await this.revocation.purge(signal)) + (await this.refreshTokens.purge(undefined, signal))
  }
}
