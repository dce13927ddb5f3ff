import { hash, verify } from '@node-rs/argon2'
import { argon2Params, costKey, HashPopulation } from './hash-population.js'
import type { HashQueueOptions } from './hash-queue.js'
import { HashQueue } from './hash-queue.js'

// Algorithm.Argon2id; the package exports it as a const enum, which verbatimModuleSyntax cannot inline.
const ARGON2ID = 2

/**
 * Password hashing: argon2id at OWASP's minimum (m = 19 MiB, t = 2, p = 1) by default, computed off the event loop
 * by @node-rs/argon2. The cost is configurable so tests can run with a cheap setting; the hash string records its
 * own parameters, so hashes made at one cost keep verifying after the cost changes — and are upgraded to the new
 * cost at the user's next successful login (`needsRehash`, issue 10 F3).
 * Every hash and verify goes through one `HashQueue` per process, which bounds the memory and thread-pool time a
 * login flood can take (issue 10 F1).
 */
export interface Argon2Cost {
  memoryCost: number
  timeCost: number
  parallelism: number
}

/** The cost plus the per-process bound on concurrent argon2 work (`ARGON2_MAX_ACTIVE`, `ARGON2_MAX_QUEUED`). */
export interface Argon2Settings extends Argon2Cost {
  maxActive?: number
  maxQueued?: number
}

export const OWASP_MINIMUM: Argon2Cost = { memoryCost: 19456, timeCost: 2, parallelism: 1 }
/** For unit tests only: same algorithm, a fraction of the cost. */
export const TEST_COST: Argon2Cost = { memoryCost: 256, timeCost: 1, parallelism: 1 }
/**
 * 2 hashes at once: the lab's reference machine has 2 cores, and more hashes than cores in flight only add latency
 * (each still holds its 19 MiB). 64 waiting ≈ 0.5 s of queue at ~15 ms per hash: past that a client is better served
 * by a fast 503 + Retry-After than by a login that times out. Both are env knobs (docs/security.md).
 */
export const DEFAULT_HASH_LIMITS: HashQueueOptions = { maxActive: 2, maxQueued: 64 }

export class PasswordHasher {
  readonly cost: Argon2Cost
  readonly queue: HashQueue
  /** Parameter sets of the stored hashes; the user store fills and maintains it. */
  readonly population = new HashPopulation()
  private readonly dummies = new Map<string, Promise<string>>()

  constructor(settings: Argon2Settings = OWASP_MINIMUM) {
    this.cost = {
      memoryCost: settings.memoryCost,
      timeCost: settings.timeCost,
      parallelism: settings.parallelism,
    }
    this.queue = new HashQueue({
      maxActive: settings.maxActive ?? DEFAULT_HASH_LIMITS.maxActive,
      maxQueued: settings.maxQueued ?? DEFAULT_HASH_LIMITS.maxQueued,
    })
  }

  hash(password: string): Promise<string> {
    return this.hashAt(password, this.cost)
  }

  /** True for a hash not made with the configured argon2id parameters (log in → rehash). */
  needsRehash(passwordHash: string): boolean {
    const p = argon2Params(passwordHash)
    return p?.variant !== 'argon2id' || p.version !== 19 || costKey(p) !== costKey(this.cost)
  }

  /** False for a wrong password or a malformed stored hash; throws HashQueueFullError when the queue is full. */
  verify(passwordHash: string, password: string): Promise<boolean> {
    return this.queue.run(async () => {
      try {
        return await verify(passwordHash, password)
      } catch {
        return false // a malformed stored hash never authenticates
      }
    })
  }

  /**
   * Verifies against a hash of a random password and always answers false. Login calls it for unknown usernames so
   * that they take as long as a wrong password for a real user (no timing oracle). The hash is made at the cost most
   * stored hashes have — after a cost change that is still the old cost until most users have logged in again.
   */
  async verifyDummy(password: string): Promise<false> {
    const cost = this.dummyCost()
    const key = costKey(cost)
    let dummy = this.dummies.get(key)
    if (!dummy) {
      dummy = this.hashAt(`dummy-${Math.random()}-${Date.now()}`, cost)
      dummy.catch(() => this.dummies.delete(key)) // a refused (queue full) dummy is made again next time
      this.dummies.set(key, dummy)
    }
    await this.verify(await dummy, password)
    return false
  }

  /** The parameters the dummy verify uses now. */
  dummyCost(): Argon2Cost {
    return this.population.mostCommon() ?? this.cost
  }

  private hashAt(password: string, cost: Argon2Cost): Promise<string> {
    return this.queue.run(() => hash(password, { algorithm: ARGON2ID, ...cost }))
  }
}
