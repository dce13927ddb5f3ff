import type { Clock } from '../clock.js'
import { systemClock } from '../clock.js'
import type { Db } from '../db/open-database.js'
import type { StoreCounters } from '../db/store-counters.js'
import { HashPopulation } from './hash-population.js'
import type { PasswordHasher } from './password.js'
import { NEXT_USER_ID } from './schema.js'
import type { UserColumns } from './user-row.js'
import { plainUserColumns, userFromRow, userFromValues } from './user-row.js'
import type { NewUser, User, UserStore } from './user-store.js'
import { UserStoreError } from './user-store.js'
import { isWellFormedText, PASSWORD_MAX, PASSWORD_MIN, parseUsername } from './username.js'

interface UserRow extends UserColumns {
  password_hash: string
}

function toUser(r: UserColumns): User {
  return userFromRow(r)!
}

/** The user store on better-sqlite3. Statements are prepared once; every call counts a read or a write. */
export class SqliteUserStore implements UserStore {
  private readonly stmt

  constructor(
    db: Db,
    private readonly hasher: PasswordHasher,
    private readonly counters: StoreCounters,
    private readonly clock: Clock = systemClock,
  ) {
    this.stmt = {
      // The User's columns only (no password_hash), as an array row: findById runs on every request of the memory
      // and Redis session stores and of REVOCATION=version (issue 11 item 9).
      byId: db.prepare<[number], unknown[]>(`SELECT ${plainUserColumns()} FROM users WHERE id = ?`).raw(),
      byName: db.prepare<[string], UserRow>('SELECT * FROM users WHERE username = ?'),
      insert: db.prepare(
        // An explicit id, never SQLite's max(id) + 1: a deleted user's id is never handed out again (schema.ts, v3).
        `INSERT INTO users (id, username, password_hash, role, disabled, created_at, updated_at)
         VALUES (${NEXT_USER_ID}, @username, @hash, @role, @disabled, @now, @now)`,
      ),
      insertIgnore: db.prepare(
        `INSERT OR IGNORE INTO users (id, username, password_hash, role, disabled, created_at, updated_at)
         VALUES (${NEXT_USER_ID}, ?, ?, ?, 0, ?, ?)`,
      ),
      setHash: db.prepare('UPDATE users SET password_hash = ?, updated_at = ? WHERE id = ?'),
      changePassword: db.prepare<
        [string, number, number, string],
        { credential_epoch: number; token_version: number }
      >(
        `UPDATE users SET password_hash = ?, credential_epoch = credential_epoch + 1,
         token_version = token_version + 1, updated_at = ?
         WHERE id = ? AND password_hash = ? AND disabled = 0 RETURNING credential_epoch, token_version`,
      ),
      hashOf: db.prepare<[number], string>('SELECT password_hash FROM users WHERE id = ?').pluck(),
      // Only if the hash is still the one that was verified: a password change meanwhile wins over the upgrade.
      rehash: db.prepare(
        'UPDATE users SET password_hash = ?, updated_at = ? WHERE id = ? AND password_hash = ?',
      ),
      allHashes: db.prepare<[], string>('SELECT password_hash FROM users').pluck(),
      bump: db
        .prepare<[number, number], number>(
          'UPDATE users SET token_version = token_version + 1, updated_at = ? WHERE id = ? RETURNING token_version',
        )
        .pluck(),
      endCredentials: db.prepare<[number, number], { credential_epoch: number; token_version: number }>(
        `UPDATE users SET credential_epoch = credential_epoch + 1, token_version = token_version + 1, updated_at = ?
         WHERE id = ? RETURNING credential_epoch, token_version`,
      ),
      setDisabled: db.prepare('UPDATE users SET disabled = ?, updated_at = ? WHERE id = ?'),
      list: db.prepare<[number, number], UserRow>('SELECT * FROM users ORDER BY id LIMIT ? OFFSET ?'),
      count: db.prepare<[], number>('SELECT COUNT(*) FROM users').pluck(),
    }
    this.createManyTx = db.transaction((names: string[], hash: string, role: string) => {
      const now = this.clock()
      let n = 0
      for (const name of names) n += this.stmt.insertIgnore.run(name, hash, role, now, now).changes
      return n
    })
    this.countHashes()
  }

  /**
   * (Re)counts the parameter sets of all stored hashes into `hasher.population` (the dummy verify's cost). Done at
   * start; the store's own writes keep it current, and this can be called again to pick up other processes' writes.
   * One pass over the table (~10 ms per 100k users); not counted as a request's store read.
   */
  countHashes(): void {
    const fresh = new HashPopulation()
    for (const h of this.stmt.allHashes.iterate()) fresh.add(h)
    this.hasher.population.replaceWith(fresh)
  }

  private readonly createManyTx: (names: string[], hash: string, role: string) => number

  findById(id: number): User | null {
    this.counters.read('users')
    const r = this.stmt.byId.get(id)
    return r ? userFromValues(r) : null
  }

  findByUsername(username: string): User | null {
    this.counters.read('users')
    const r = this.stmt.byName.get(username)
    return r ? toUser(r) : null
  }

  findCredentials(username: string): (User & { passwordHash: string }) | null {
    this.counters.read('users')
    const r = this.stmt.byName.get(username)
    return r ? { ...toUser(r), passwordHash: r.password_hash } : null
  }

  async create(input: NewUser): Promise<User> {
    const username = parseUsername(input.username)
    if (!username)
      throw new UserStoreError('invalid_username', 'username must be 3-64 chars of a-z 0-9 . _ -')
    checkPassword(input.password)
    const hash = await this.hasher.hash(input.password)
    try {
      this.counters.write('users')
      const info = this.stmt.insert.run({
        username,
        hash,
        role: input.role ?? 'user',
        disabled: input.disabled ? 1 : 0,
        now: this.clock(),
      })
      this.hasher.population.add(hash)
      return this.findById(Number(info.lastInsertRowid))!
    } catch (err) {
      if ((err as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE') {
        throw new UserStoreError('username_taken', `username "${username}" is taken`)
      }
      throw err
    }
  }

  createMany(usernames: string[], passwordHash: string, role: 'user' | 'admin' = 'user'): number {
    const names = usernames.map((u) => {
      const n = parseUsername(u)
      if (!n) throw new UserStoreError('invalid_username', `invalid username "${u}"`)
      return n
    })
    this.counters.write('users', names.length)
    const added = this.createManyTx(names, passwordHash, role)
    this.hasher.population.add(passwordHash, added)
    return added
  }

  setPasswordHash(id: number, passwordHash: string): void {
    this.counters.write('users')
    const old = this.stmt.hashOf.get(id)
    if (this.stmt.setHash.run(passwordHash, this.clock(), id).changes === 1 && old !== undefined) {
      this.hasher.population.remove(old)
      this.hasher.population.add(passwordHash)
    }
  }

  changePassword(
    id: number,
    verifiedHash: string,
    newHash: string,
  ): { credentialEpoch: number; tokenVersion: number } | null {
    this.counters.write('users')
    const r = this.stmt.changePassword.get(newHash, this.clock(), id, verifiedHash)
    if (!r) return null
    this.hasher.population.remove(verifiedHash)
    this.hasher.population.add(newHash)
    return { credentialEpoch: r.credential_epoch, tokenVersion: r.token_version }
  }

  rehashPassword(id: number, verifiedHash: string, newHash: string): boolean {
    this.counters.write('users')
    const changed = this.stmt.rehash.run(newHash, this.clock(), id, verifiedHash).changes === 1
    if (changed) {
      this.hasher.population.remove(verifiedHash)
      this.hasher.population.add(newHash)
    }
    return changed
  }

  bumpTokenVersion(id: number): number {
    this.counters.write('users')
    return this.stmt.bump.get(this.clock(), id) ?? 0
  }

  endCredentials(id: number): { credentialEpoch: number; tokenVersion: number } {
    this.counters.write('users')
    const r = this.stmt.endCredentials.get(this.clock(), id)
    return { credentialEpoch: r?.credential_epoch ?? 0, tokenVersion: r?.token_version ?? 0 }
  }

  setDisabled(id: number, disabled: boolean): void {
    this.counters.write('users')
    this.stmt.setDisabled.run(disabled ? 1 : 0, this.clock(), id)
    if (disabled) this.endCredentials(id)
  }

  list(opts: { limit?: number; offset?: number } = {}): User[] {
    this.counters.read('users')
    return this.stmt.list.all(opts.limit ?? 1000, opts.offset ?? 0).map(toUser)
  }

  count(): number {
    this.counters.read('users')
    return this.stmt.count.get() ?? 0
  }
}

export function checkPassword(password: string): void {
  if (password.length < PASSWORD_MIN || password.length > PASSWORD_MAX) {
    throw new UserStoreError(
      'invalid_password',
      `password must be ${PASSWORD_MIN}-${PASSWORD_MAX} characters`,
    )
  }
  if (!isWellFormedText(password)) {
    throw new UserStoreError('invalid_password', 'password must be well-formed Unicode (no lone surrogates)')
  }
}
