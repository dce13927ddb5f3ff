import { leaks } from '@auth-lab/test'
import { describe, expect, it } from 'vitest'

describe('leaks(): library and stack text in a response body', () => {
  it('does not read a token that happens to spell "jws" or "jose" as a leak (the T15 false alarm)', () => {
    const jws = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIiwianRpIjoiWGpXc0pvc2UifQ.abcJwSdefJOSEghi_-12'
    expect(leaks(JSON.stringify({ access_token: jws, token_type: 'Bearer' }))).toBe(false)
    const jwe = 'eyJhbGciOiJkaXIiLCJlbmMiOiJBMjU2R0NNIn0..iv-JoSe-0123.cipherJWStext.tag-stack1'
    expect(leaks(JSON.stringify({ access_token: jwe }))).toBe(false)
  })

  it('still finds library error codes, SQL errors and stack frames', () => {
    expect(leaks('{"error":"invalid_token","message":"ERR_JWS_SIGNATURE_VERIFICATION_FAILED"}')).toBe(true)
    expect(leaks('{"message":"SQLITE_CONSTRAINT_UNIQUE"}')).toBe(true)
    expect(leaks('Error: x\n    at verify (/app/node_modules/jose/dist/node/esm/jws/verify.js:1:1)')).toBe(
      true,
    )
    expect(leaks('{"message":"SyntaxError: Unexpected token"}')).toBe(true)
    expect(leaks('{"error":"invalid_request","message":"body must be JSON"}')).toBe(false)
  })
})
