/** A user as the apps see it. The password hash never leaves the store except through `findCredentials`. */
export interface User {
  id: number
  username: string
  role: 'user' | 'admin'
  tokenVersion: number
  /** Bumped by a password change, a disable or logout-everywhere in either app; see `endCredentials`. */
  credentialEpoch: number
  disabled: boolean
  createdAt: number
  updatedAt: number
}

/** The public part of a user, as returned in API bodies. */
export interface PublicUser {
  id: number
  username: string
  role: 'user' | 'admin'
}

export function publicUser(u: User): PublicUser {
  return { id: u.id, username: u.username, role: u.role }
}

export interface NewUser {
  username: string
  password: string
  role?: 'user' | 'admin'
  disabled?: boolean
}

export interface UserStore {
  findById(id: number): User | null
  findByUsername(username: string): User | null
  /** The user plus its hash, for login only. `username` must already be normalised. */
  findCredentials(username: string): (User & { passwordHash: string }) | null
  create(user: NewUser): Promise<User>
  /** Inserts many users sharing one precomputed hash (seeding); returns how many were new. */
  createMany(usernames: string[], passwordHash: string, role?: 'user' | 'admin'): number
  setPasswordHash(id: number, passwordHash: string): void
  /**
   * A password change as one conditional statement: stores `newHash` and ends every credential (as
   * `endCredentials`) only if the stored hash is still `verifiedHash`, the one the current password was checked
   * against, and the user is not disabled (a disable landing while the new hash was computed wins). Null when
   * either changed meanwhile (the caller answers 401). Returns the new epoch and
   * version, to stamp the caller's new session or token pair with — never a re-read, which could pick up a later
   * bump and outlive the logout that made it.
   */
  changePassword(
    id: number,
    verifiedHash: string,
    newHash: string,
  ): { credentialEpoch: number; tokenVersion: number } | null
  /**
   * Upgrades a hash to the current argon2 cost after a successful login: stores `newHash` only if the stored hash
   * is still `verifiedHash` (a concurrent password change wins). True when it was stored.
   */
  rehashPassword(id: number, verifiedHash: string, newHash: string): boolean
  /** Increments token_version and returns the new value (revokes every stateless token of the user). */
  bumpTokenVersion(id: number): number
  /**
   * Ends every credential of the user in both apps: bumps the credential epoch (sessions, refresh families and access
   * tokens issued under an older one are refused) and token_version (so `REVOCATION=version` refuses at once too).
   * Returns the new values.
   */
  endCredentials(id: number): { credentialEpoch: number; tokenVersion: number }
  /** Disabling also ends every credential (`endCredentials`); enabling again brings none back. */
  setDisabled(id: number, disabled: boolean): void
  list(opts?: { limit?: number; offset?: number }): User[]
  count(): number
}

export class UserStoreError extends Error {
  constructor(
    readonly code: 'invalid_username' | 'invalid_password' | 'username_taken',
    message: string,
  ) {
    super(message)
    this.name = 'UserStoreError'
  }
}
