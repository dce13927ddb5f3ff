import { hash, verify } from '@node-rs/argon2'

// Algorithm.Argon2id; the package exports it as a const enum, which verbatimModuleSyntax cannot inline.
const ARGON2ID = 2

/**
 * Password hashing: argon2id at OWASP's minimum (m = 19 MiB, t = 2, p = 1) by default, computed off the event loop
 * by @node-rs/argon2. The cost is configurable so tests can run with a cheap setting; the hash string records its
 * own parameters, so hashes made at one cost keep verifying after the cost changes.
 */
export interface Argon2Cost {
  memoryCost: number
  timeCost: number
  parallelism: number
}

export const OWASP_MINIMUM: Argon2Cost = { memoryCost: 19456, timeCost: 2, parallelism: 1 }
/** For unit tests only: same algorithm, a fraction of the cost. */
export const TEST_COST: Argon2Cost = { memoryCost: 256, timeCost: 1, parallelism: 1 }

export class PasswordHasher {
  private dummy: Promise<string> | undefined

  constructor(private readonly cost: Argon2Cost = OWASP_MINIMUM) {}

  hash(password: string): Promise<string> {
    return hash(password, { algorithm: ARGON2ID, ...this.cost })
  }

  async verify(passwordHash: string, password: string): Promise<boolean> {
    try {
      return await verify(passwordHash, password)
    } catch {
      return false // a malformed stored hash never authenticates
    }
  }

  /**
   * Verifies against a hash of a random password at the current cost and always answers false. Login calls it for
   * unknown usernames so that they take as long as a wrong password for a real user (no timing oracle).
   */
  async verifyDummy(password: string): Promise<false> {
    this.dummy ??= this.hash(`dummy-${Math.random()}-${Date.now()}`)
    await this.verify(await this.dummy, password)
    return false
  }
}
