/**
 * Usernames are normalised once, the same way at creation, login and throttling: NFKC folds full-width and
 * compatibility forms, then lower-case. What is left must be 3–64 chars of [a-z0-9._-]; zero-width, control and
 * bidi characters therefore never reach the database, and "ＡＬＩＣＥ" and "Alice" name the same account as "alice".
 */
export const USERNAME_PATTERN = /^[a-z0-9._-]{3,64}$/

export function normalizeUsername(input: string): string {
  return input.normalize('NFKC').toLowerCase()
}

/** The normalised name if it is acceptable, else null. */
export function parseUsername(input: string): string | null {
  const name = normalizeUsername(input)
  return USERNAME_PATTERN.test(name) ? name : null
}

export const PASSWORD_MIN = 8
export const PASSWORD_MAX = 256

/**
 * Lone UTF-16 surrogates (`"\ud800"` in JSON) have no UTF-8 form: the native argon2 binding and SQLite both replace
 * each with U+FFFD, so what is hashed or stored is not what was sent, and passwords differing only in their lone
 * surrogates all verify against one hash (found in review: ten \ud800 set as a password, then ten \udfff or ten
 * U+FFFD logged in). Such strings are refused, never altered. A regex, not `String#isWellFormed` (ES2024; our lib
 * is ES2023): in `u` mode `\p{Surrogate}` matches only a surrogate that is not half of a pair.
 */
const LONE_SURROGATE = /\p{Surrogate}/u

export function isWellFormedText(s: string): boolean {
  return !LONE_SURROGATE.test(s)
}
