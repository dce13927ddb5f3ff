import { jwtCases } from './cases/index.js'
import { caseSuite, without } from './suite.js'

caseSuite('catalogue §3.4 JWT access-token validation', without(jwtCases, 'T49'))
