import { jwtCases, refreshCases, sessionCases } from './cases/index.js'
import { byId, caseSuite } from './suite.js'

// Cases that wait for short timers (idle/absolute sessions, token expiry, refresh lifetimes) run side by side.
caseSuite(
  'catalogue timers: idle, absolute and token expiry',
  [...byId(sessionCases, 'T30', 'T31'), ...byId(jwtCases, 'T49'), ...byId(refreshCases, 'T65')],
  {
    concurrent: true,
    warm: [
      ['stateful', 'short'],
      ['stateless', 'short'],
      ['stateless', 'main'],
    ],
  },
)
