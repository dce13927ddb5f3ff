import { describe, expect, it } from 'vitest'
import { credentialBytes, lastCookie } from './client.js'

describe('lastCookie', () => {
  it('takes the LAST Set-Cookie of the wanted name, without attributes', () => {
    const set = ['sid=; Max-Age=0; Path=/', 'other=1; Path=/', 'sid=abc123; HttpOnly; SameSite=Lax; Path=/']
    expect(lastCookie(set, ['sid', '__Host-sid'])).toBe('sid=abc123')
  })
  it('is undefined when the name is absent', () => {
    expect(lastCookie(['rt=x; Path=/auth'], ['sid'])).toBeUndefined()
  })
})

describe('credentialBytes', () => {
  it('counts the header line as sent', () => {
    expect(credentialBytes({ cookie: 'sid=abc' })).toBe('cookie: sid=abc\r\n'.length)
  })
})
