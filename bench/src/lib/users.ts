import { openSharedDeps, TEST_COST } from '@auth-lab/shared'

/** Password every seeded benchmark user gets (8+ characters as the apps require). */
export const BENCH_PASSWORD = 'bench-password-1'

export interface SeedOptions {
  count: number
  /** Usernames are `<prefix><i>` (default `bench-user-`); must stay within the username rules (3–64, [a-z0-9._-]). */
  prefix?: string
  password?: string
}

/**
 * Creates `count` users in the DB file at `dbPath` (migrating it if new) with ONE precomputed argon2 hash at the
 * cheap test cost, so seeding 10k users takes well under a second and their logins are fast. Safe while a server
 * has the file open (WAL). Returns the usernames.
 */
export async function seedUsers(dbPath: string, opts: SeedOptions): Promise<string[]> {
  const prefix = opts.prefix ?? 'bench-user-'
  const deps = openSharedDeps({
    app: 'bench-seed',
    dbPath,
    argon2: TEST_COST,
    throttle: { maxFailuresPerUser: 5, maxFailuresPerIp: 50, windowSeconds: 900 },
  })
  try {
    const hash = await deps.hasher.hash(opts.password ?? BENCH_PASSWORD)
    const names = Array.from({ length: opts.count }, (_, i) => `${prefix}${i}`)
    deps.users.createMany(names, hash)
    return names
  } finally {
    deps.db.close()
  }
}
