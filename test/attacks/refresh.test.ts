import { refreshCases } from './cases/index.js'
import { caseSuite, without } from './suite.js'

caseSuite('catalogue §3.5 refresh tokens, logout and revocation', without(refreshCases, 'T65'))
