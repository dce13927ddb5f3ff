import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { LoggedIn, TestApp } from '../test-app.js'
import { bearer, login, testApp } from '../test-app.js'

let t: TestApp
let alice: LoggedIn
beforeAll(async () => {
  t = await testApp()
  alice = await login(t)
})
afterAll(() => t.close())

const get = (headers: Record<string, string>, path = '/me') => t.app.request(path, { headers })
const errorOf = async (res: Response) => ((await res.json()) as { error: string }).error

describe('GET /me (RFC 6750 Bearer semantics)', () => {
  it('answers the user and the token facts, with Server-Timing and no-store', async () => {
    const res = await get(bearer(alice.accessToken))
    expect(res.status).toBe(200)
    const body = (await res.json()) as { user: object; auth: Record<string, unknown> }
    expect(body.user).toEqual({ id: 1, username: 'alice', role: 'user' })
    expect(body.auth).toMatchObject({ mechanism: 'jwt', alg: 'HS256' })
    expect(typeof body.auth.kid).toBe('string')
    expect(typeof body.auth.jti).toBe('string')
    expect(body.auth.exp).toBe(Math.floor(t.clock() / 1000) + 900)
    expect(res.headers.get('server-timing')).toMatch(/^auth;dur=\d+\.\d{3}$/)
    expect(res.headers.get('cache-control')).toBe('no-store')
  })

  it('no credentials: 401 with a bare Bearer challenge (no error attribute)', async () => {
    const res = await get({})
    expect(res.status).toBe(401)
    expect(res.headers.get('www-authenticate')).toBe('Bearer realm="auth-lab"')
    expect(await errorOf(res)).toBe('unauthenticated')
  })

  it('another scheme counts as no Bearer credentials', async () => {
    const res = await get({ authorization: 'Basic dXNlcjpwdw==' })
    expect(res.status).toBe(401)
    expect(res.headers.get('www-authenticate')).toBe('Bearer realm="auth-lab"')
  })

  it.each(['Bearer', 'Bearer ', 'Bearer a b', `Bearer ${'x'}\u00e9`, 'Bearer "quoted"'])(
    'malformed header %j: 400 invalid_request',
    async (authorization) => {
      const res = await get({ authorization })
      expect(res.status).toBe(400)
      expect(res.headers.get('www-authenticate')).toBe('Bearer realm="auth-lab", error="invalid_request"')
      expect(await errorOf(res)).toBe('invalid_request')
    },
  )

  it('the scheme is case-insensitive', async () => {
    expect((await get({ authorization: `bearer ${alice.accessToken}` })).status).toBe(200)
    expect((await get({ authorization: `BEARER ${alice.accessToken}` })).status).toBe(200)
  })

  it.each([
    ['garbage', 'not-a-jwt'],
    ['tampered signature', () => `${alice.accessToken.slice(0, -4)}AAAA`],
    ['truncated', () => alice.accessToken.slice(0, -10)],
    ['the refresh token', () => alice.refreshToken],
    ['huge', () => 'a'.repeat(5000)],
  ])('bad token (%s): 401 invalid_token, never 500', async (_name, tok) => {
    const token = typeof tok === 'function' ? tok() : tok
    const res = await get(bearer(token))
    expect(res.status).toBe(401)
    expect(res.headers.get('www-authenticate')).toBe('Bearer realm="auth-lab", error="invalid_token"')
    const text = await res.text()
    expect(JSON.parse(text).error).toBe('invalid_token')
    expect(text).not.toMatch(/ERR_J|JOSE|JWS|SyntaxError|SQLITE|stack/i)
  })

  it('takes the token from the header only: never the query string or a cookie', async () => {
    expect((await get({}, `/me?access_token=${alice.accessToken}`)).status).toBe(401)
    expect((await get({ cookie: `access_token=${alice.accessToken}` })).status).toBe(401)
    const both = await get(bearer(alice.accessToken), `/me?access_token=${alice.accessToken}`)
    expect(both.status).toBe(400)
    expect(await errorOf(both)).toBe('invalid_request')
  })

  it('expires: accepted until exp + tolerance, refused after', async () => {
    const fresh = await login(t)
    t.clock.advance((900 + 5) * 1000 - 1000)
    expect((await get(bearer(fresh.accessToken))).status).toBe(200)
    t.clock.advance(2000)
    const res = await get(bearer(fresh.accessToken))
    expect(res.status).toBe(401)
    expect(await errorOf(res)).toBe('invalid_token')
    t.clock.advance(-(900 + 5 + 1) * 1000)
  })
})
