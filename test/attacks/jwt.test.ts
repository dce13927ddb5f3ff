import { jwtCases } from './cases/index.js'
import { caseSuite } from './suite.js'

// The `timer` JWT case (T49, token expiry) runs in timers.test.ts.
caseSuite('catalogue §3.4 JWT access-token validation', 'fast', jwtCases, {
  warm: [
    ['stateless', 'main'],
    ['stateless', 'version'],
    ['stateless', 'rs256'],
    ['stateless', 'es256'],
    ['stateless', 'eddsa'],
  ],
})
