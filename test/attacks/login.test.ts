import { loginCases } from './cases/index.js'
import { caseSuite } from './suite.js'

// T03 (pace `timing`, real argon2 cost) runs in timing.test.ts so it does not share a CPU-bound file; T04 (pace
// `timer`) waits out a throttle window and runs side by side with the other timer cases in timers.test.ts.
caseSuite('catalogue §3.1 login and credentials', 'fast', loginCases, {
  warm: [
    ['stateful', 'main'],
    ['stateless', 'main'],
    ['stateful', 'throttle-xff'],
    ['stateless', 'throttle-xff'],
  ],
})
