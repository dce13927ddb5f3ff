export {
  ALL_CASES,
  cacheCases,
  crossAppCases,
  hardeningCases,
  hardeningRouteCases,
  inputCases,
  jwtCases,
  loginCases,
  refreshCases,
  sessionCases,
} from './all.js'
export type { ContextOptions, NaiveConfig, NaiveFactory } from './context.js'
export { createCaseContext } from './context.js'
export type { Phase } from './pace.js'
export { onStore, PACE_ORDER, PACES, schedule, storesOf, targetsOf, withPace } from './pace.js'
export { TEST_SECRET, TEST_SECRET_BYTES } from './profiles.js'
export { runCase } from './run.js'
export type { FamilyState, StoreKind, StoreProbe } from './store-probe.js'
export { dumpRedis, probeFor, redisProbe, sqliteProbe } from './store-probe.js'
export type {
  AppCase,
  AttackCase,
  CaseContext,
  CaseGroup,
  CaseResult,
  Pace,
  Profile,
  Target,
  VerifierCase,
} from './types.js'
export { Check } from './types.js'
