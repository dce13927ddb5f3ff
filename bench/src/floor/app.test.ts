import { Metrics, openDatabase } from '@auth-lab/shared'
import { describe, expect, it } from 'vitest'
import { createFloorApp } from './app.js'
import { FLOOR_ASYM, makeFloorSeed } from './seed.js'

const seed = makeFloorSeed(3, { asym: FLOOR_ASYM })
const metrics = new Metrics('floor')
const app = createFloorApp({ db: openDatabase(':memory:'), metrics, seed, instanceId: 'test' })
const user = seed.users[1]!

describe('floor server', () => {
  it('answers /public and the raw routes with the same body shape, 401 without a valid credential', async () => {
    const pub = await app.request('/public')
    expect(pub.status).toBe(200)
    expect(await pub.json()).toMatchObject({ user: { id: 0 }, auth: { mechanism: 'none' } })
    for (const path of ['/floor/map', '/floor/sqlite']) {
      const ok = await app.request(path, { headers: { cookie: `sid=${user.sid}` } })
      expect(ok.status, path).toBe(200)
      expect(await ok.json()).toMatchObject({ user: { id: user.id, username: user.username } })
      expect((await app.request(path, { headers: { cookie: 'sid=nope' } })).status).toBe(401)
    }
  })

  it('counts one store read per cookie lookup', async () => {
    const before = metrics.store.get('read', 'floor_sessions')
    await app.request('/floor/sqlite', { headers: { cookie: `sid=${user.sid}` } })
    expect(metrics.store.get('read', 'floor_sessions')).toBe(before + 1)
  })

  it('verifies HS256 and each asymmetric token raw, and refuses a token signed for another algorithm', async () => {
    const routes: [string, string][] = [
      ['/floor/hmac', user.token],
      ...FLOOR_ASYM.map((alg): [string, string] => [`/floor/${alg.toLowerCase()}`, user.asym![alg]!]),
    ]
    for (const [path, token] of routes) {
      const res = await app.request(path, { headers: { authorization: `Bearer ${token}` } })
      expect(res.status, path).toBe(200)
      expect(await res.json()).toMatchObject({ user: { id: user.id } })
    }
    const wrong = await app.request('/floor/es256', {
      headers: { authorization: `Bearer ${user.asym!.EdDSA}` },
    })
    expect(wrong.status).toBe(401)
    const tampered = `${user.token.slice(0, -2)}AA`
    expect(
      (await app.request('/floor/hmac', { headers: { authorization: `Bearer ${tampered}` } })).status,
    ).toBe(401)
  })

  it('has no asymmetric routes when the seed carries no public keys', async () => {
    const plain = createFloorApp({
      db: openDatabase(':memory:'),
      metrics: new Metrics('floor'),
      seed: makeFloorSeed(1),
      instanceId: 't',
    })
    expect((await plain.request('/floor/es256')).status).toBe(404)
  })

  it('library floors: raw jose accepts the app-shaped token for each algorithm and refuses a tampered one', async () => {
    const routes: [string, string][] = [
      ['/floor/jose', user.token],
      ...FLOOR_ASYM.map((alg): [string, string] => [`/floor/jose-${alg.toLowerCase()}`, user.asym![alg]!]),
    ]
    for (const [path, token] of routes) {
      const res = await app.request(path, { headers: { authorization: `Bearer ${token}` } })
      expect(res.status, path).toBe(200)
      expect(await res.json()).toMatchObject({ user: { id: user.id, username: user.username } })
    }
    const tampered = `${user.token.slice(0, -2)}AA`
    expect(
      (await app.request('/floor/jose', { headers: { authorization: `Bearer ${tampered}` } })).status,
    ).toBe(401)
    expect((await app.request('/floor/jose')).status).toBe(401)
  })

  it('library floors: raw hono-sessions over a MemoryStore and over the SQLite table find the user by cookie', async () => {
    for (const path of ['/floor/hs-memory', '/floor/hs-sqlite']) {
      const ok = await app.request(path, { headers: { cookie: `sid=${user.sid}` } })
      expect(ok.status, path).toBe(200)
      expect(await ok.json()).toMatchObject({ user: { id: user.id, username: user.username } })
      expect((await app.request(path, { headers: { cookie: 'sid=nope' } })).status, path).toBe(401)
    }
  })
})
