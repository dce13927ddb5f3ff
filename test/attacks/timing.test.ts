import { ALL_CASES } from './cases/index.js'
import { caseSuite } from './suite.js'

// Real argon2 cost (m = 19 MiB, t = 2): the point of T03 is that unknown users cost as much as known ones.
caseSuite('catalogue T03 login timing', 'timing', ALL_CASES, {
  warm: [
    ['stateful', 'timing'],
    ['stateless', 'timing'],
  ],
})
