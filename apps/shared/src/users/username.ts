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
