import type { User } from './user-store.js'

/**
 * The one mapping from a `users` row to a `User`, for every store that reads users: the user store itself
 * (`SELECT users.*`) and the session and refresh-token stores that JOIN users into their per-request lookup.
 * A joined query selects `userColumns('u')`, which aliases each column with a `u_` prefix so it cannot clash with
 * the other table's columns, then maps with `userFromRow(row, 'u_')`.
 */
export interface UserColumns {
  id: number
  username: string
  role: 'user' | 'admin'
  token_version: number
  credential_epoch: number
  disabled: number
  created_at: number
  updated_at: number
}

const COLUMNS = [
  'id',
  'username',
  'role',
  'token_version',
  'credential_epoch',
  'disabled',
  'created_at',
  'updated_at',
] as const

/**
 * `id, username, …`: the columns a `User` is made of, for a plain `SELECT … FROM users`. Not `*`: the row's
 * `password_hash` (~100 bytes) is no part of a `User`, and materialising it cost ~1 µs on every per-request user
 * read (issue 11 item 9).
 */
export function plainUserColumns(): string {
  return COLUMNS.join(', ')
}

/** `u.id AS u_id, u.username AS u_username, …` for a JOIN on `users` aliased as `alias`. */
export function userColumns(alias: string): string {
  return COLUMNS.map((c) => `${alias}.${c} AS ${alias}_${c}`).join(', ')
}

/**
 * The `User` in `row`, read from columns named `${prefix}id`, `${prefix}username`, …; null when the row has no user
 * (a LEFT JOIN that found none). `prefix` is '' for a plain `SELECT * FROM users` and `'u_'` for `userColumns('u')`.
 */
export function userFromRow(row: object, prefix = ''): User | null {
  const r = row as Record<string, unknown>
  const k = columnNames(prefix)
  const id = r[k.id]
  if (typeof id !== 'number') return null
  return {
    id,
    username: r[k.username] as string,
    role: r[k.role] as User['role'],
    tokenVersion: r[k.token_version] as number,
    credentialEpoch: r[k.credential_epoch] as number,
    disabled: r[k.disabled] === 1,
    createdAt: r[k.created_at] as number,
    updatedAt: r[k.updated_at] as number,
  }
}

/**
 * The `User` in a raw row (better-sqlite3 `.raw()`: an array, no object with named keys to build) whose columns from
 * `offset` on are `plainUserColumns()` / `userColumns(alias)`, in that order; null when the user's id is null (a LEFT
 * JOIN that found none). Array rows cost ~30 % less than object rows per read (issue 11 item 9).
 */
export function userFromValues(values: readonly unknown[], offset = 0): User | null {
  const id = values[offset]
  if (typeof id !== 'number') return null
  return {
    id,
    username: values[offset + 1] as string,
    role: values[offset + 2] as User['role'],
    tokenVersion: values[offset + 3] as number,
    credentialEpoch: values[offset + 4] as number,
    disabled: values[offset + 5] === 1,
    createdAt: values[offset + 6] as number,
    updatedAt: values[offset + 7] as number,
  }
}

type ColumnNames = Record<(typeof COLUMNS)[number], string>
const NAMES = new Map<string, ColumnNames>()

/** The prefixed column names, built once per prefix: this runs on every authenticated request (issue 11 item 9). */
function columnNames(prefix: string): ColumnNames {
  let names = NAMES.get(prefix)
  if (!names) {
    names = Object.fromEntries(COLUMNS.map((c) => [c, `${prefix}${c}`])) as ColumnNames
    NAMES.set(prefix, names)
  }
  return names
}
