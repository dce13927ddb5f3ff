import { ALL_CASES } from './cases/index.js'
import { caseSuite } from './suite.js'

// Every case of pace `timer` (throttle window, idle/absolute sessions, token expiry, refresh lifetimes) runs here,
// side by side; each uses its own users, and the DB checks then only insist that pre-existing rows are untouched.
caseSuite('catalogue timers: throttle window, idle, absolute and token expiry', 'timer', ALL_CASES, {
  warm: [
    ['stateful', 'throttle'],
    ['stateless', 'throttle'],
    ['stateful', 'short'],
    ['stateless', 'short'],
    ['stateless', 'main'],
  ],
})
