import { inputCases } from './cases/index.js'
import { caseSuite } from './suite.js'

caseSuite('catalogue §3.2 input handling', 'fast', inputCases)
