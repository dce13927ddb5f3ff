import { refreshCases } from './cases/index.js'
import { caseSuite } from './suite.js'

// The `timer` refresh case (T65, refresh lifetimes) runs in timers.test.ts.
caseSuite('catalogue §3.5 refresh tokens, logout and revocation', 'fast', refreshCases)
