import type { Argon2Cost } from '@auth-lab/shared'
import { OWASP_MINIMUM, openSharedDeps, TEST_COST } from '@auth-lab/shared'

/**
 * Fixture users, seeded straight into the DB file before the server starts (catalogue §0):
 * alice and bob active, carol disabled (with her correct password), `long` with an 80-byte password (bcrypt would
 * truncate it at 72), `dave` with a 64-character password, and a pool of identical "victims" that cases which change
 * a user (password change, logout-all, disable, delete) take one each, so no case disturbs another.
 */
export interface FixtureUser {
  id: number
  username: string
  password: string
  disabled: boolean
}

export interface Fixtures {
  users: Record<'alice' | 'bob' | 'carol' | 'long' | 'dave', FixtureUser>
  /** Fresh users nobody else touches; take one with `takeVictim`. */
  victims: FixtureUser[]
}

export const LONG_PASSWORD = `L0ng-${'p'.repeat(66)}-end-9876` // 80 ASCII bytes
export const SIXTY_FOUR = `64-char-${'x'.repeat(50)}-ok-64` // 64 chars

const NAMED = [
  { username: 'alice', password: 'alice-pass-2026', disabled: false },
  { username: 'bob', password: 'bob-pass-2026', disabled: false },
  { username: 'carol', password: 'carol-pass-2026', disabled: true },
  { username: 'long', password: LONG_PASSWORD, disabled: false },
  { username: 'dave', password: SIXTY_FOUR, disabled: false },
] as const

export const VICTIM_PASSWORD = 'victim-pass-2026'

export async function seedFixtures(
  dbPath: string,
  opts: { cost: 'cheap' | 'real'; victims?: number },
): Promise<Fixtures> {
  if (LONG_PASSWORD.length !== 80 || SIXTY_FOUR.length !== 64)
    throw new Error('fixture password lengths are off')
  const argon2: Argon2Cost = opts.cost === 'real' ? OWASP_MINIMUM : TEST_COST
  const deps = openSharedDeps({
    app: 'test-fixtures',
    dbPath,
    argon2,
    throttle: { maxFailuresPerUser: 5, maxFailuresPerIp: 50, windowSeconds: 900 },
  })
  try {
    const users = {} as Fixtures['users']
    for (const u of NAMED) {
      const created = await deps.users.create({
        username: u.username,
        password: u.password,
        disabled: u.disabled,
      })
      users[u.username] = { id: created.id, username: u.username, password: u.password, disabled: u.disabled }
    }
    const count = opts.victims ?? 40
    const names = Array.from({ length: count }, (_, i) => `victim${String(i + 1).padStart(3, '0')}`)
    const victims: FixtureUser[] = []
    if (count > 0) {
      deps.users.createMany(names, await deps.hasher.hash(VICTIM_PASSWORD))
      for (const name of names) {
        const u = deps.users.findByUsername(name)
        if (!u) throw new Error(`fixture ${name} missing`)
        victims.push({ id: u.id, username: name, password: VICTIM_PASSWORD, disabled: false })
      }
    }
    return { users, victims }
  } finally {
    deps.db.close()
  }
}
