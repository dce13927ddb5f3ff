import { cacheCases } from './cases/index.js'
import { caseSuite } from './suite.js'

// Issue 11 items 7–8: the verified-token cache and the session cookie cache, black-box (the `fast` ones; K01, K03
// and K07 wait out a TTL or a key reload and run with the other `timer` cases in timers.test.ts).
caseSuite('issue 11 caches: verified-token cache and session cookie cache', 'fast', cacheCases, {
  warm: [],
})
