import { sessionCases } from './cases/index.js'
import { caseSuite, without } from './suite.js'

// T30 and T31 mostly sleep on short timers; they run concurrently in timers.test.ts.
caseSuite('catalogue §3.3 sessions, CSRF, CORS, disabled accounts', without(sessionCases, 'T30', 'T31'), {
  warm: [
    ['stateful', 'main'],
    ['stateless', 'main'],
    ['stateful', 'short'],
    ['stateless', 'version'],
  ],
})
