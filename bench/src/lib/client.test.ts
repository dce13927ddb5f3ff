import { describe, expect, it } from 'vitest'
import { absorbAnswer, credentialBytes, lastCookie } from './client.js'

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

describe('absorbAnswer', () => {
  const start = {
    app: 'stateful' as const,
    username: 'u',
    password: 'p',
    session: 'sid=old',
    snapshot: 'sid_cache=s',
  }
  it('takes the new cookies and the access token, and drops a cleared cookie', () => {
    const next = absorbAnswer(start, ['__Host-sid=new; Path=/; HttpOnly', 'sid_cache=; Max-Age=0'], {
      access_token: 'tok',
    })
    expect(next.session).toBe('__Host-sid=new')
    expect(next.snapshot).toBeUndefined()
    expect(next.access).toBe('tok')
  })
  it('keeps what the answer does not mention', () => {
    expect(absorbAnswer(start, [], undefined)).toEqual(start)
  })
})
