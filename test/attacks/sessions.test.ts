import { sessionCases } from './cases/index.js'
import { caseSuite } from './suite.js'

// The `timer` session cases (T30, T31: they wait out idle and absolute timeouts) run in timers.test.ts.
caseSuite('catalogue §3.3 sessions, CSRF, CORS, disabled accounts', 'fast', sessionCases, {
  warm: [
    ['stateful', 'main'],
    ['stateless', 'main'],
    ['stateless', 'version'],
  ],
})
