import { hardeningCases, hardeningRouteCases } from './cases/index.js'
import { caseSuite } from './suite.js'

// Issue 10, wave 2 (F1, F6, F7, F8, F9): the `fast` ones; F09 waits out the request timeout and runs with the
// other `timer` cases in timers.test.ts. Each case starts the servers it needs, on first use.
caseSuite(
  'issue 10 hardening: concurrent brute force, secrets, file modes, malleability, exposure',
  'fast',
  [...hardeningCases, ...hardeningRouteCases],
  {
    warm: [],
  },
)
