import { describe, expect, it } from 'vitest'
import {
  cookiesForInstance,
  dedupeCookieHeader,
  parseCookieHeader,
  redactSetCookie,
  rewriteSetCookie,
} from './cookies.js'

describe('rewriteSetCookie: each pane’s cookies live under its prefix', () => {
  it('moves Path=/ to the prefix and Path=/auth under it; other attributes unchanged', () => {
    expect(rewriteSetCookie('sid=abc; Path=/; HttpOnly; SameSite=Lax', '/stateful')).toBe(
      'sid=abc; Path=/stateful; HttpOnly; SameSite=Lax',
    )
    expect(rewriteSetCookie('rt=x; Max-Age=60; Path=/auth; HttpOnly; SameSite=Strict', '/stateless')).toBe(
      'rt=x; Max-Age=60; Path=/stateless/auth; HttpOnly; SameSite=Strict',
    )
    expect(rewriteSetCookie('rt=x; path=auth', '/stateless')).toBe('rt=x; Path=/stateless/auth')
  })

  it('adds the prefix when the app set no Path (the default path would be the request’s directory)', () => {
    expect(rewriteSetCookie('a=1; HttpOnly', '/stateless-none')).toBe('a=1; HttpOnly; Path=/stateless-none')
  })

  it('moves __Secure- cookies like any other (the prefix only needs Secure)', () => {
    expect(rewriteSetCookie('__Secure-rt=x; Path=/auth; Secure; HttpOnly', '/stateless')).toBe(
      '__Secure-rt=x; Path=/stateless/auth; Secure; HttpOnly',
    )
  })

  it('keeps Path=/ on __Host- cookies (required) and renames them per pane instead', () => {
    expect(rewriteSetCookie('__Host-sid=abc; Path=/; Secure; HttpOnly; SameSite=Lax', '/stateful')).toBe(
      '__Host-stateful.sid=abc; Path=/; Secure; HttpOnly; SameSite=Lax',
    )
  })
})

describe('cookiesForInstance: each instance gets only its own __Host- cookies, under the app’s name', () => {
  const jar = '__Host-stateful.sid=S; __Host-stateless-none.sid=N; __Secure-rt=R; other=1'
  it('renames the own __Host- cookie back and drops the other panes’', () => {
    expect(cookiesForInstance(jar, '/stateful')).toBe('__Host-sid=S; __Secure-rt=R; other=1')
    expect(cookiesForInstance(jar, '/stateless-none')).toBe('__Host-sid=N; __Secure-rt=R; other=1')
    // "/stateless" is a prefix of "/stateless-none": the dot after the pane name keeps them apart.
    expect(cookiesForInstance(jar, '/stateless')).toBe('__Secure-rt=R; other=1')
  })
  it("with the instance's app named, only that app's cookies go through (review finding)", () => {
    // A `sid` from a direct visit to :3001 (Path=/) is sent to every lab path: it must not reach a JWT app.
    const http = 'sid=S; rt=R; sid_cache=C; other=1'
    expect(cookiesForInstance(http, '/stateful', 'stateful')).toBe('sid=S; sid_cache=C')
    expect(cookiesForInstance(http, '/stateless', 'stateless')).toBe('rt=R')
    expect(cookiesForInstance(jar, '/stateful', 'stateful')).toBe('__Host-sid=S')
    expect(cookiesForInstance(jar, '/stateless-none', 'stateless')).toBe('__Secure-rt=R')
    expect(cookiesForInstance('other=1', '/stateless', 'stateless')).toBeUndefined()
  })
  it('a foreign or forged __Host- cookie without a pane never reaches an instance', () => {
    expect(cookiesForInstance('__Host-sid=forged', '/stateful')).toBeUndefined()
    expect(cookiesForInstance(undefined, '/stateful')).toBeUndefined()
  })
})

describe('the other helpers', () => {
  it('dedupeCookieHeader keeps the first (longest-path) cookie of each name', () => {
    expect(dedupeCookieHeader('sid=pane; sid=direct; x=1')).toBe('sid=pane; x=1')
    expect(dedupeCookieHeader(' ; ')).toBeUndefined()
  })
  it('parseCookieHeader keeps values with "=" and ignores pairs without a name', () => {
    const m = parseCookieHeader('a=b=c; =x; d=1')
    expect([...m]).toEqual([
      ['a', 'b=c'],
      ['d', '1'],
    ])
  })
  it('redactSetCookie replaces the value by its length and keeps the flags', () => {
    expect(redactSetCookie('sid=abcdef; Path=/stateful; HttpOnly')).toBe(
      'sid=<6 chars>; Path=/stateful; HttpOnly',
    )
  })
})
