import { jwtCases, loginCases, refreshCases, sessionCases } from './cases/index.js'
import { byId, caseSuite } from './suite.js'

// Cases that wait for timers (throttle window, idle/absolute sessions, token expiry, refresh lifetimes) run side
// by side; each uses its own users, and the DB checks then only insist that pre-existing rows are untouched.
caseSuite(
  'catalogue timers: throttle window, idle, absolute and token expiry',
  [
    ...byId(loginCases, 'T04'),
    ...byId(sessionCases, 'T30', 'T31'),
    ...byId(jwtCases, 'T49'),
    ...byId(refreshCases, 'T65'),
  ],
  {
    concurrent: true,
    warm: [
      ['stateful', 'throttle'],
      ['stateless', 'throttle'],
      ['stateful', 'short'],
      ['stateless', 'short'],
      ['stateless', 'main'],
    ],
  },
)
