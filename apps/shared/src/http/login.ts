import type { Context } from 'hono'
import type { Metrics } from '../metrics/metrics.js'
import type { LoginThrottle } from '../throttle/login-throttle.js'
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
  throttle: LoginThrottle
  metrics: Metrics
  trustProxy: boolean
}

/**
 * The credential check both apps share; each app then issues its own session or tokens.
 * Unknown user, wrong password and disabled account all end in the same 401 `invalid_credentials` after the same
 * amount of argon2 work (a dummy verify for names that do not exist), so neither body nor timing tells them apart.
 * The throttle is consulted before hashing, keyed on the normalised name.
 */
export async function verifyLogin(c: Context, deps: LoginDeps): Promise<User> {
  let input: { username: string; password: string }
  try {
    input = parseLogin(await readJsonObject(c))
  } catch (err) {
    deps.metrics.logins.inc({ outcome: 'invalid_request' })
    throw err
  }
  const key = normalizeUsername(input.username)
  const ip = clientIp(c, deps.trustProxy)
  const verdict = deps.throttle.check(key, ip)
  if (!verdict.allowed) {
    deps.metrics.logins.inc({ outcome: 'throttled' })
    throw new ApiError('too_many_attempts', 'too many failed attempts; try again later', {
      'Retry-After': String(verdict.retryAfterSeconds),
    })
  }
  const name = parseUsername(input.username)
  const found = name ? deps.users.findCredentials(name) : null
  const ok = found
    ? await deps.hasher.verify(found.passwordHash, input.password)
    : await deps.hasher.verifyDummy(input.password)
  if (!found || !ok || found.disabled) {
    deps.throttle.recordFailure(key, ip)
    deps.metrics.logins.inc({ outcome: 'invalid_credentials' })
    throw new ApiError('invalid_credentials', 'invalid username or password')
  }
  deps.throttle.recordSuccess(key)
  deps.metrics.logins.inc({ outcome: 'success' })
  const { passwordHash: _omit, ...user } = found
  return user
}
