import { cacheCases } from './caches.js'
import { crossAppCases } from './cross-app.js'
import { hardeningCases } from './hardening.js'
import { hardeningRouteCases } from './hardening-routes.js'
import { inputCases } from './input.js'
import { jwtCases } from './jwt.js'
import { loginCases } from './login.js'
import { refreshCases } from './refresh.js'
import { sessionCases } from './sessions.js'
import type { AttackCase } from './types.js'

export {
  cacheCases,
  crossAppCases,
  hardeningCases,
  hardeningRouteCases,
  inputCases,
  jwtCases,
  loginCases,
  refreshCases,
  sessionCases,
}

/** Every case, in catalogue order. */
export const ALL_CASES: readonly AttackCase[] = [
  ...loginCases,
  ...inputCases,
  ...sessionCases,
  ...jwtCases,
  ...refreshCases,
  ...crossAppCases,
  ...hardeningCases,
  ...hardeningRouteCases,
  ...cacheCases,
].sort((a, b) => a.id.localeCompare(b.id))
