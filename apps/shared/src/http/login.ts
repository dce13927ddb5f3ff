import type { Context } from 'hono'
import type { Metrics } from '../metrics/metrics.js'
import type { Throttle } from '../throttle/throttle.js'
import { HashQueueFullError } from '../users/hash-queue.js'
import type { PasswordHasher } from '../users/password.js'
import type { User, UserStore } from '../users/user-store.js'
import { normalizeUsername, parseUsername } from '../users/username.js'
import { clientIp } from './client-ip.js'
import { ApiError } from './errors.js'
import { readJsonObject } from './json-body.js'
import { parseLogin } from './validation.js'

export interface LoginDeps {
  users: UserStore
  hasher: PasswordHasher
  throttle: Throttle
  metrics: Metrics
  trustProxy: boolean
}

/**
 * The credential check both apps share; each app then issues its own session or tokens.
 * Unknown user, wrong password and disabled account all end in the same 401 `invalid_credentials` after the same
 * amount of argon2 work (a dummy verify for names that do not exist), so neither body nor timing tells them apart.
 * The throttle is consulted before hashing, keyed on the normalised name, and counts attempts still in flight.
 */
export async function verifyLogin(c: Context, deps: LoginDeps): Promise<User> {
  let input: { username: string; password: string }
  try {
    input = parseLogin(await readJsonObject(c))
  } catch (err) {
    deps.metrics.logins.inc({ outcome: 'invalid_request' })
    throw err
  }
  const name = parseUsername(input.username)
  let user: User | null
  try {
    user = withoutHash(
      await checkCredentials(c, deps, normalizeUsername(input.username), name, input.password, true),
    )
  } catch (err) {
    if (err instanceof ApiError && err.code === 'too_many_attempts')
      deps.metrics.logins.inc({ outcome: 'throttled' })
    throw err
  }
  deps.metrics.logins.inc({ outcome: user ? 'success' : 'invalid_credentials' })
  if (!user) throw new ApiError('invalid_credentials', 'invalid username or password')
  return user
}

/**
 * Re-authentication for a signed-in user (the password-change routes of both apps): the same throttle and the same
 * argon2 check as login, so a stolen cookie or access token cannot be used to brute-force the current password.
 * The stored row must still be this user (same id, not disabled). Returns the fresh user row and the hash the
 * password was verified against: the change must be conditional on it (`UserStore.changePassword`), or two changes
 * racing with the same old password would both succeed and the last write win (found in review).
 */
export async function reauthenticate(
  c: Context,
  deps: LoginDeps,
  user: Pick<User, 'id' | 'username'>,
  password: string,
): Promise<User & { verifiedHash: string }> {
  // No hash upgrade here: the caller replaces the hash anyway.
  const found = await checkCredentials(
    c,
    deps,
    normalizeUsername(user.username),
    user.username,
    password,
    false,
  )
  if (!found || found.id !== user.id)
    throw new ApiError('invalid_credentials', 'the current password is wrong')
  const { passwordHash, ...row } = found
  return { ...row, verifiedHash: passwordHash }
}

/**
 * The 401 of a password change whose conditional write found the row changed since the check: another change won
 * the race, the account was disabled, or (rarely) a login upgraded the hash's cost meanwhile — then a retry works.
 */
export function passwordChangedMeanwhile(): ApiError {
  return new ApiError('invalid_credentials', 'the current password is wrong or the account changed meanwhile')
}

function withoutHash(found: (User & { passwordHash: string }) | null): User | null {
  if (!found) return null
  const { passwordHash: _, ...user } = found
  return user
}

/**
 * Reserve an attempt with the throttle → one argon2 verify (a dummy one for unknown names) → settle the reservation.
 * Null for unknown user, wrong password or disabled account alike; 429 `too_many_attempts` when the throttle refuses,
 * before any hashing. The in-memory throttle takes the reservation synchronously inside `reserve` (Redis: in one
 * server-side script), so requests that arrive while
 * this one hashes already count against the limit (issue 10, F1); `finally` releases it if anything throws (queue
 * full → 503, store error → 503), so an error never leaks a slot nor counts as a failure.
 * On a successful login, a hash made at an older argon2 cost is upgraded (issue 10, F3).
 */
async function checkCredentials(
  c: Context,
  deps: LoginDeps,
  key: string,
  name: string | null,
  password: string,
  upgrade: boolean,
): Promise<(User & { passwordHash: string }) | null> {
  const ip = clientIp(c, deps.trustProxy)
  const verdict = await deps.throttle.reserve(key, ip)
  if (!verdict.allowed) {
    throw new ApiError('too_many_attempts', 'too many failed attempts; try again later', {
      'Retry-After': String(verdict.retryAfterSeconds),
    })
  }
  const { reservation } = verdict
  try {
    const found = name ? deps.users.findCredentials(name) : null
    const ok = found
      ? await deps.hasher.verify(found.passwordHash, password)
      : await deps.hasher.verifyDummy(password)
    if (!found || !ok || found.disabled) {
      await reservation.failure()
      return null
    }
    await reservation.success()
    if (upgrade) await upgradeHash(deps, found.id, found.passwordHash, password)
    return found
  } catch (err) {
    throw err instanceof HashQueueFullError ? busy(err) : err
  } finally {
    await reservation.release()
  }
}

/**
 * The standard upgrade path after a cost change: rehash with the current parameters while the plain password is at
 * hand. Best effort — a full queue or a busy store leaves the old hash, and the next login tries again.
 */
async function upgradeHash(deps: LoginDeps, id: number, verified: string, password: string): Promise<void> {
  if (!deps.hasher.needsRehash(verified)) return
  try {
    deps.users.rehashPassword(id, verified, await deps.hasher.hash(password))
  } catch {
    // keep the verified hash; it still works
  }
}

function busy(err: HashQueueFullError): ApiError {
  return new ApiError('service_unavailable', 'the server is busy; try again shortly', {
    'Retry-After': String(err.retryAfterSeconds),
  })
}
