import { hardeningCases } from './cases/index.js'
import { caseSuite } from './suite.js'

// Issue 10, wave 2 (F1, F6, F7, F8, F9). F01 and F09 are slow (a 600-request burst; waiting out the request
// timeout); each case starts the servers it needs, on first use.
caseSuite(
  'issue 10 hardening: concurrent brute force, secrets, file modes, malleability, exposure',
  hardeningCases,
  {
    warm: [],
  },
)
