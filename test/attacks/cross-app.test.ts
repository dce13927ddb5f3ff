import { crossAppCases } from './cases/index.js'
import { caseSuite } from './suite.js'

// Each case starts its own servers on one shared DB (a stateful app and one stateless app per revocation mode).
caseSuite('wave-2 findings across both apps (F2)', 'fast', crossAppCases, { warm: [] })
