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

describe('GET /public (the no-auth baseline)', () => {
  it('/public has the same shape through the same middleware, without auth', async () => {
    const pub = await t.app.request('/public')
    const mine = await get(bearer(alice.accessToken))
    expect(pub.status).toBe(200)
    const [a, b] = [
      (await pub.json()) as Record<string, object>,
      (await mine.json()) as Record<string, object>,
    ]
    expect(Object.keys(a.user!)).toEqual(Object.keys(b.user!))
    expect(Object.keys(a.auth!)).toEqual(Object.keys(b.auth!))
    expect(Math.abs(JSON.stringify(a).length - JSON.stringify(b).length)).toBeLessThan(12)
    expect(pub.headers.get('cache-control')).toBe('no-store')
    expect(pub.headers.get('content-security-policy')).toBe(mine.headers.get('content-security-policy'))
  })

  it('carries the same Server-Timing header as /me and reads nothing from the store', async () => {
    const reads = t.deps.metrics.store.get('read')
    const res = await t.app.request('/public')
    expect(res.status).toBe(200)
    expect(res.headers.get('server-timing')).toMatch(/^auth;dur=\d+\.\d{3}$/)
    expect(t.deps.metrics.store.get('read')).toBe(reads)
  })
})
