import type { CacheCounters, Clock } from '@auth-lab/shared'
import type { VerifiedAccess } from './access-token.js'
import type { KeyRing } from './keys.js'

/**
 * The verified-token cache (ACCESS_TOKEN_CACHE=<entries>, issue 11 item 7): remembers what jose concluded about an
 * access token, so a client sending the same token again skips the signature verification. Envoy's `jwt_authn`
 * (`jwt_cache_config`) and fast-jwt do the same.
 *
 * What it may do, and nothing more (docs/security.md "What the caches may and may not do"):
 * - Key: the EXACT token string. A malleated twin (non-canonical base64url, ECDSA (r, n−s)) is a different string,
 *   so it misses and goes through jose like any unknown token (F8).
 * - Populated only by a successful jose verification (+ our claim-shape checks). Failures are never cached: a bad
 *   token costs a verification every time, as without the cache, and cannot fill it.
 * - Each entry dies when jose would start refusing the token: at `exp` + CLOCK_TOLERANCE (jose refuses
 *   `exp <= now − tolerance`), or earlier at `iat` + maxTokenAge + tolerance (jose's age check). Not one second more.
 * - Bound to its key: an entry answers only while its `kid` still verifies in the key ring (a previous key retires
 *   by the clock), and a key-ring reload that drops or retires a key flushes that key's entries.
 * - It replaces the signature check ONLY. The revocation check (`denylist` / `version`, credential epoch) still runs
 *   on every request after it (TokenService.check), so logout, logout-all and password change act at once.
 * - LRU-bounded to `maxEntries` (a Map keeps insertion order; a hit moves the entry to the end). Worst case memory is
 *   about maxEntries × (token length + ~0.5 KB of claims); see docs/api-stateless.md for the default's reasoning.
 */
export const ACCESS_TOKEN_CACHE_NAME = 'access_token'

interface Entry {
  value: VerifiedAccess
  /** Epoch ms from which jose would refuse the token. */
  deadline: number
}

export interface VerifiedCacheOptions {
  maxEntries: number
  clock: Clock
  /** Seconds: the verifier's CLOCK_TOLERANCE (the same leeway jose applies, not more). */
  clockTolerance: number
  /** Seconds: the verifier's maxTokenAge (ACCESS_TTL). */
  maxTokenAge: number
  ring: Pick<KeyRing, 'verifyKeyFor' | 'liveKids' | 'onChange'>
  counters: CacheCounters
}

export class VerifiedTokenCache {
  private readonly entries = new Map<string, Entry>()
  readonly maxEntries: number

  constructor(private readonly opts: VerifiedCacheOptions) {
    if (!Number.isSafeInteger(opts.maxEntries) || opts.maxEntries < 1)
      throw new Error(
        'VerifiedTokenCache needs maxEntries >= 1 (ACCESS_TOKEN_CACHE=0 means: no cache at all)',
      )
    this.maxEntries = opts.maxEntries
    opts.ring.onChange(() => this.retainLiveKeys())
  }

  get size(): number {
    return this.entries.size
  }

  /**
   * The verification of `token`: from the cache when a live entry exists, otherwise from `verify` (jose), whose
   * success is then remembered. Same contract as AccessTokens.verify: the verified token or null, never throws.
   */
  async verify(
    token: string,
    verify: (token: string) => Promise<VerifiedAccess | null>,
  ): Promise<VerifiedAccess | null> {
    const hit = this.get(token)
    if (hit) return hit
    const verified = await verify(token)
    if (verified) this.put(token, verified)
    return verified
  }

  /** A live entry for exactly this string, or null (counted as a hit or a miss). */
  get(token: string): VerifiedAccess | null {
    const e = this.entries.get(token)
    if (e) {
      if (this.opts.clock() < e.deadline && this.opts.ring.verifyKeyFor(e.value.kid) !== undefined) {
        // LRU: the most recently used entry goes to the end of the Map's order.
        this.entries.delete(token)
        this.entries.set(token, e)
        this.opts.counters.hits++
        return e.value
      }
      this.entries.delete(token)
    }
    this.opts.counters.misses++
    return null
  }

  /** Remembers a token jose just verified (callers: `verify` only). */
  put(token: string, value: VerifiedAccess): void {
    const { clockTolerance: tol, maxTokenAge } = this.opts
    const deadline = Math.min(value.exp + tol, value.iat + maxTokenAge + tol + 1) * 1000
    if (this.opts.clock() >= deadline) return
    this.entries.delete(token)
    this.entries.set(token, {
      value: Object.freeze({ ...value, user: Object.freeze({ ...value.user }) }),
      deadline,
    })
    if (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value
      if (oldest !== undefined) this.entries.delete(oldest)
    }
  }

  /** Drops every entry whose key is no longer live (a key removed from the file or retired); returns how many. */
  retainLiveKeys(): number {
    const live = new Set(this.opts.ring.liveKids())
    let dropped = 0
    for (const [token, e] of this.entries) {
      if (!live.has(e.value.kid)) {
        this.entries.delete(token)
        dropped++
      }
    }
    return dropped
  }

  clear(): void {
    this.entries.clear()
  }
}
