import { hardeningCases } from './hardening.js'
import { inputCases } from './input.js'
import { jwtCases } from './jwt.js'
import { loginCases } from './login.js'
import { refreshCases } from './refresh.js'
import { sessionCases } from './sessions.js'
import type { AttackCase } from './types.js'

export type { ContextOptions, NaiveConfig, NaiveFactory } from './context.js'
export { createCaseContext } from './context.js'
export { TEST_SECRET, TEST_SECRET_BYTES } from './profiles.js'
export { runCase } from './run.js'
export type { AttackCase, CaseContext, CaseGroup, CaseResult, Profile, Target } from './types.js'
export { Check } from './types.js'
export { hardeningCases, inputCases, jwtCases, loginCases, refreshCases, sessionCases }

/** Every case, in catalogue order. */
export const ALL_CASES: readonly AttackCase[] = [
  ...loginCases,
  ...inputCases,
  ...sessionCases,
  ...jwtCases,
  ...refreshCases,
  ...hardeningCases,
].sort((a, b) => a.id.localeCompare(b.id))
