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
  const id = r[`${prefix}id`]
  if (typeof id !== 'number') return null
  return {
    id,
    username: r[`${prefix}username`] as string,
    role: r[`${prefix}role`] as User['role'],
    tokenVersion: r[`${prefix}token_version`] as number,
    credentialEpoch: r[`${prefix}credential_epoch`] as number,
    disabled: r[`${prefix}disabled`] === 1,
    createdAt: r[`${prefix}created_at`] as number,
    updatedAt: r[`${prefix}updated_at`] as number,
  }
}
