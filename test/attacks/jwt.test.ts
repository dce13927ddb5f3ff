import { jwtCases } from './cases/index.js'
import { caseSuite, without } from './suite.js'

// T49 waits for token expiry and runs in timers.test.ts.
caseSuite('catalogue §3.4 JWT access-token validation', without(jwtCases, 'T49'), {
  warm: [
    ['stateless', 'main'],
    ['stateless', 'version'],
    ['stateless', 'rs256'],
    ['stateless', 'es256'],
    ['stateless', 'eddsa'],
  ],
})
