import type { Argon2Cost } from './password.js'

/**
 * Which argon2 parameters the stored password hashes were made with, counted per parameter set (issue 10, F3).
 *
 * A hash string records its own cost (`$argon2id$v=19$m=19456,t=2,p=1$salt$hash`), so after the configured cost
 * changes, existing users keep verifying at their old cost until they log in again and are rehashed. The dummy
 * verify that login runs for unknown usernames must do the same work as a real user's verify, or the response time
 * tells which names exist; it therefore uses the parameter set most stored hashes have (`mostCommon`), not the
 * configured one. The counts are taken from the users table at start and kept current by the store's own writes.
 */
export interface Argon2Params extends Argon2Cost {
  variant: 'argon2id' | 'argon2i' | 'argon2d'
  version: number
}

const PHC = /^\$(argon2id|argon2i|argon2d)\$v=(\d+)\$m=(\d+),t=(\d+),p=(\d+)\$/

/** The parameters recorded in an argon2 PHC string; null for anything else. */
export function argon2Params(hash: string): Argon2Params | null {
  const m = PHC.exec(hash)
  if (!m) return null
  return {
    variant: m[1] as Argon2Params['variant'],
    version: Number(m[2]),
    memoryCost: Number(m[3]),
    timeCost: Number(m[4]),
    parallelism: Number(m[5]),
  }
}

export function costKey(c: Argon2Cost): string {
  return `m=${c.memoryCost},t=${c.timeCost},p=${c.parallelism}`
}

export class HashPopulation {
  private readonly counts = new Map<string, { cost: Argon2Cost; n: number }>()

  /** Counts `n` stored hashes like this one (only argon2id, the variant the dummy verify can reproduce). */
  add(hash: string, n = 1): void {
    const p = argon2Params(hash)
    if (p?.variant !== 'argon2id' || n <= 0) return
    const key = costKey(p)
    const entry = this.counts.get(key)
    if (entry) entry.n += n
    else
      this.counts.set(key, {
        cost: { memoryCost: p.memoryCost, timeCost: p.timeCost, parallelism: p.parallelism },
        n,
      })
  }

  remove(hash: string, n = 1): void {
    const p = argon2Params(hash)
    if (!p) return
    const key = costKey(p)
    const entry = this.counts.get(key)
    if (!entry) return
    entry.n -= n
    if (entry.n <= 0) this.counts.delete(key)
  }

  /** The parameter set of most stored hashes (ties: the one counted first); null when no hash is counted. */
  mostCommon(): Argon2Cost | null {
    let best: { cost: Argon2Cost; n: number } | null = null
    for (const e of this.counts.values()) if (!best || e.n > best.n) best = e
    return best ? best.cost : null
  }

  /** Takes over another population's counts (a recount). */
  replaceWith(other: HashPopulation): void {
    this.counts.clear()
    for (const [k, e] of other.counts) this.counts.set(k, { cost: e.cost, n: e.n })
  }

  /** Hashes per parameter set, e.g. `{"m=19456,t=2,p=1": 120}` (tests and diagnostics). */
  snapshot(): Record<string, number> {
    return Object.fromEntries([...this.counts].map(([k, e]) => [k, e.n]))
  }
}
