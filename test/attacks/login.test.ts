import { loginCases } from './cases/index.js'
import { caseSuite, without } from './suite.js'

// T03 (timing, real argon2 cost) runs in timing.test.ts so it does not share a CPU-bound file.
caseSuite('catalogue §3.1 login and credentials', without(loginCases, 'T03'))
