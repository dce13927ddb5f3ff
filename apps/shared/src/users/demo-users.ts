import type { UserStore } from './user-store.js'

/**
 * The demo accounts `pnpm start` creates when absent. Their passwords are public on purpose: this is a lab run on
 * loopback. carol is disabled so the "disabled user gets the same 401" case can be tried by hand.
 */
export const DEMO_USERS = [
  { username: 'alice', password: 'alice-demo-pass', role: 'user' },
  { username: 'bob', password: 'bob-demo-pass', role: 'admin' },
  { username: 'carol', password: 'carol-demo-pass', role: 'user', disabled: true },
] as const

/** Creates the demo users that do not exist yet; returns the names it created. */
export async function ensureDemoUsers(users: UserStore): Promise<string[]> {
  const created: string[] = []
  for (const u of DEMO_USERS) {
    if (users.findByUsername(u.username)) continue
    try {
      await users.create({ ...u })
      created.push(u.username)
    } catch (err) {
      // Another process seeding the same file at the same moment won the race: fine.
      if ((err as { code?: string }).code !== 'username_taken') throw err
    }
  }
  return created
}
