import { existsSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { manualClock } from '@auth-lab/shared'
import { decodeProtectedHeader } from 'jose'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { readConfig } from '../config.js'
import type { TestApp } from '../test-app.js'
import { login, me, tempDir, testApp } from '../test-app.js'
import { generateKeyEntry, keyFilePath, readKeyFile, replaceKeyFile, withKeyFileLock } from './key-file.js'
import { openKeyRing, rotateKeys } from './keys.js'

let dir: string
let open: TestApp[] = []
beforeEach(() => {
  dir = tempDir()
})
afterEach(() => {
  for (const a of open) a.close()
  open = []
  rmSync(dir, { recursive: true, force: true })
})

async function instance(env: Record<string, string> = {}, clock = manualClock(Date.UTC(2026, 0, 1, 12))) {
  const a = await testApp({ env: { JWT_ALG: 'ES256', ...env }, dir, clock })
  open.push(a)
  return a
}

describe('persisted keys', () => {
  it('are generated once, written 0600 as jwt-<ALG>.json under <dirname(DB_PATH)>/keys', async () => {
    const a = await instance()
    const path = join(dir, 'keys', 'jwt-ES256.json')
    expect(a.deps.keys.file).toBe(path)
    expect(statSync(path).mode & 0o777).toBe(0o600)
    const file = readKeyFile(path, 'ES256')!
    expect(file.current).toBe(a.deps.keys.current().kid)
    expect(file.keys[0]).toMatchObject({ alg: 'ES256', kid: file.current })
    expect(file.keys[0]).toHaveProperty('privateJwk.d')
  })

  it('survive a restart: a new instance on the same DB and keys accepts the old tokens and refresh cookies', async () => {
    const first = await instance()
    const a = await login(first)
    first.close()
    open = []
    const second = await instance()
    expect((await me(second, a.accessToken)).status).toBe(200)
    const r = await second.app.request('/auth/refresh', { method: 'POST', headers: { cookie: a.cookie } })
    expect(r.status).toBe(200)
  })

  it('are shared by two instances on one file, even when both start at once', async () => {
    const [x, y] = await Promise.all([instance(), instance()])
    expect(x!.deps.keys.current().kid).toBe(y!.deps.keys.current().kid)
    const a = await login(x!)
    expect((await me(y!, a.accessToken)).status).toBe(200)
    expect(readdirSync(join(dir, 'keys'))).toEqual(['jwt-ES256.json']) // no temp files left behind
  })

  it('with JWT_KEYS=ephemeral a restart (or a second instance) rejects the old tokens', async () => {
    const first = await instance({ JWT_KEYS: 'ephemeral' })
    const a = await login(first)
    expect((await me(first, a.accessToken)).status).toBe(200)
    const second = await instance({ JWT_KEYS: 'ephemeral' })
    const res = await me(second, a.accessToken)
    expect(res.status).toBe(401)
    expect(existsSync(join(dir, 'keys'))).toBe(false)
  })

  it('with JWT_SECRET no file is written and the kid is stable across restarts', async () => {
    // A random secret: low-entropy ones are refused at start (F6).
    const env = { JWT_ALG: 'HS256', JWT_SECRET: 'tq6Uo2xRw3pq29Tt3DyRHHDnHQkHflwCGXTol-7Jia4' }
    const first = await instance(env)
    const a = await login(first)
    const second = await instance(env)
    expect(second.deps.keys.current().kid).toBe(first.deps.keys.current().kid)
    expect((await me(second, a.accessToken)).status).toBe(200)
    expect(existsSync(join(dir, 'keys'))).toBe(false)
  })

  it('a key file for another algorithm, or a broken one, stops the start with a clear ConfigError', async () => {
    await instance()
    const config = readConfig({ DB_PATH: join(dir, 'auth-lab.db'), JWT_ALG: 'ES256' })
    const { writeFileSync } = await import('node:fs')
    writeFileSync(keyFilePath(config.jwt.keysDir, 'ES256'), '{"current":"x","keys":[]}')
    await expect(openKeyRing(config.jwt, Date.now)).rejects.toThrow(/key file/)
  })
})

describe('key rotation', () => {
  it('makes a new current key; old tokens keep verifying until they expire; JWKS lists both', async () => {
    const clock = manualClock(Date.UTC(2026, 0, 1, 12))
    const a = await instance({}, clock)
    const before = await login(a)
    const oldKid = a.deps.keys.current().kid

    clock.advance(60_000)
    const r = await rotateKeys(a.deps.config.jwt, clock())
    expect(r.current).not.toBe(oldKid)
    expect(r.kept).toEqual([oldKid, r.current])
    // the running instance picks the file up (the server does this on a timer)
    expect(await a.deps.keys.reloadIfChanged()).toBe(true)
    expect(a.deps.keys.current().kid).toBe(r.current)

    const after = await login(a)
    expect(decodeProtectedHeader(after.accessToken).kid).toBe(r.current)
    expect((await me(a, before.accessToken)).status).toBe(200)
    expect((await me(a, after.accessToken)).status).toBe(200)
    const jwks = (await (await a.app.request('/.well-known/jwks.json')).json()) as { keys: { kid: string }[] }
    expect(jwks.keys.map((k) => k.kid)).toEqual([oldKid, r.current])

    // A fresh instance (restart after rotation) agrees.
    const b = await instance({}, clock)
    expect((await me(b, before.accessToken)).status).toBe(200)

    // A server that had not reloaded yet signed with the old key for up to KEY_RELOAD_INTERVAL (5 s) after the
    // rotation: such a token lives until rotation + 5 + 900 (+ 5 tolerance), so the old key must still verify then.
    clock.advance((900 + 5) * 1000 + 1000)
    expect(a.deps.keys.verifyKeyFor(oldKid)).toBeDefined()
    // One access-token lifetime + tolerance + the reload lag after the rotation, it is gone from verification and JWKS.
    clock.advance(5000)
    expect(a.deps.keys.verifyKeyFor(oldKid)).toBeUndefined()
    const later = (await (await a.app.request('/.well-known/jwks.json')).json()) as {
      keys: { kid: string }[]
    }
    expect(later.keys.map((k) => k.kid)).toEqual([r.current])
  })

  it('a second rotation prunes keys retired for longer than the retention window', async () => {
    const a = await instance()
    const t0 = a.clock()
    const first = await rotateKeys(a.deps.config.jwt, t0 + 1000)
    const second = await rotateKeys(a.deps.config.jwt, t0 + 1000 + 3_600_000)
    expect(second.kept).toEqual([first.current, second.current])
    expect(readKeyFile(keyFilePath(a.deps.config.jwt.keysDir, 'ES256'))!.keys).toHaveLength(2)
  })

  it('rotations at once keep every new key: none reports a key the file lost (review finding)', async () => {
    const a = await instance()
    const t0 = a.clock() + 1000
    // Each read the file, generated its key and renamed over the file: the last rename won and the others'
    // keys were lost although they reported success.
    const rs = await Promise.all([1, 2, 3, 4].map(() => rotateKeys(a.deps.config.jwt, t0)))
    const onDisk = readKeyFile(keyFilePath(a.deps.config.jwt.keysDir, 'ES256'))!
    for (const r of rs) expect(onDisk.keys.map((k) => k.kid)).toContain(r.current)
    expect(rs.map((r) => r.current)).toContain(onDisk.current)
    expect(existsSync(`${keyFilePath(a.deps.config.jwt.keysDir, 'ES256')}.lock`)).toBe(false)
  })
})

describe('review S4: a key file whose entries cannot say when a key retired is refused', () => {
  const edits: [string, (f: { keys: Record<string, unknown>[] }) => void][] = [
    ['the newest entry without createdAt', (f) => delete f.keys[1]!.createdAt],
    ['createdAt as text', (f) => (f.keys[1]!.createdAt = String(f.keys[1]!.createdAt))],
    ['createdAt negative', (f) => (f.keys[1]!.createdAt = -1)],
    ['two entries with one kid', (f) => (f.keys[1]!.kid = f.keys[0]!.kid)],
    ['a null entry', (f) => (f.keys[1] = null as unknown as Record<string, unknown>)],
  ]
  it.each(edits)('%s: not loaded at start nor at a reload; the ring keeps its keys', async (_name, edit) => {
    const clock = manualClock(Date.UTC(2026, 0, 1, 12))
    const a = await instance({}, clock)
    const old = await login(a)
    const oldKid = decodeProtectedHeader(old.accessToken).kid
    clock.advance(1000)
    await rotateKeys(a.deps.config.jwt, clock())
    expect(await a.deps.keys.reloadIfChanged()).toBe(true)
    const path = keyFilePath(a.deps.config.jwt.keysDir, 'ES256')
    const f = JSON.parse(readFileSync(path, 'utf8')) as { keys: Record<string, unknown>[] }
    edit(f)
    writeFileSync(path, JSON.stringify(f))
    expect(() => readKeyFile(path, 'ES256')).toThrow(/invalid entry/)
    await expect(openKeyRing(a.deps.config.jwt, clock)).rejects.toThrow(/invalid entry/)
    // Before: the edited file loaded, and a month later the retired key still verified (and was in the JWKS).
    await expect(a.deps.keys.reloadIfChanged()).rejects.toThrow(/invalid entry/)
    clock.advance(30 * 24 * 3600 * 1000)
    expect(a.deps.keys.verifyKeyFor(oldKid)).toBeUndefined()
    expect((await me(a, old.accessToken)).status).toBe(401)
  })
})

describe('review S5: after a rotation, a token signed by the instance that reloaded first verifies everywhere', () => {
  it('an instance that has not reloaded yet loads the key file for a kid it has never seen', async () => {
    const clock = manualClock(Date.UTC(2026, 0, 1, 12))
    const a = await instance({}, clock)
    const b = await instance({}, clock)
    clock.advance(1000)
    const r = await rotateKeys(a.deps.config.jwt, clock())
    expect(await a.deps.keys.reloadIfChanged()).toBe(true) // A's timer ran; B's has not yet (≤ KEY_RELOAD_INTERVAL)
    const fresh = await login(a)
    expect(decodeProtectedHeader(fresh.accessToken).kid).toBe(r.current)
    // Before: 401 invalid_token on B until its own timer fired.
    expect((await me(b, fresh.accessToken)).status).toBe(200)
    expect(b.deps.keys.current().kid).toBe(r.current)
    const out = await b.app.request('/auth/logout-all', {
      method: 'POST',
      headers: { authorization: `Bearer ${(await login(a)).accessToken}` },
    })
    expect(out.status).toBe(204)
  })

  it('an unknown kid never loads more than the file holds, and a broken file is not re-read per request', async () => {
    const clock = manualClock(Date.UTC(2026, 0, 1, 12))
    const a = await instance({}, clock)
    const b = await instance({}, clock)
    const kid = b.deps.keys.current().kid
    // A kid the file does not hold: still refused after the check.
    const forged = await login(a)
    const [h, p, s] = forged.accessToken.split('.')
    const header = JSON.parse(Buffer.from(h!, 'base64url').toString()) as Record<string, unknown>
    const other = `${Buffer.from(JSON.stringify({ ...header, kid: 'not-ours' })).toString('base64url')}.${p}.${s}`
    expect((await me(b, other)).status).toBe(401)
    // A broken key file: unknown kids are refused without re-reading it; the timer still reports it.
    const path = keyFilePath(b.deps.config.jwt.keysDir, 'ES256')
    writeFileSync(path, '{"current":')
    expect((await me(b, other)).status).toBe(401)
    expect((await me(b, other)).status).toBe(401)
    await expect(b.deps.keys.reloadIfChanged()).rejects.toThrow(/not valid JSON/)
    expect(b.deps.keys.current().kid).toBe(kid)
    expect((await me(b, forged.accessToken)).status).toBe(200)
  })
})

describe('review S6: a rotation stamps its key when it is written', () => {
  it('the time spent waiting for the lock is not cut from the previous key’s retention window', async () => {
    const a = await instance()
    const jwt = a.deps.config.jwt
    const path = keyFilePath(jwt.keysDir, 'ES256')
    const t0 = Date.UTC(2026, 0, 1, 13)
    let rotation: Promise<{ current: string }> | undefined
    // Another rotation holds the lock for 300 ms while this one waits for it.
    await withKeyFileLock(path, () => {
      rotation = rotateKeys(jwt, t0)
      const until = Date.now() + 300
      while (Date.now() < until) {
        // busy: the lock is held synchronously, as a rotation holds it
      }
    })
    const r = await rotation!
    const entry = readKeyFile(path, 'ES256')!.keys.find((k) => k.kid === r.current)!
    // Before: createdAt = t0 — the previous key retired 300 ms (up to 10 s: the lock's wait) too early.
    expect(entry.createdAt).toBeGreaterThanOrEqual(t0 + 300)
    expect(entry.createdAt).toBeLessThan(t0 + 10_000)
  })
})

describe('review X1–X3: an instance notices every version of the key file', () => {
  // X1: the ring stat'ed the file after reading and importing it, so this rotation was recorded as loaded: the
  // instance never reloaded (timer or unknown kid) and refused the new key's tokens until the next rotation.
  it('X1: a rotation landing while a starting instance imports its keys is picked up', async () => {
    const clock = manualClock(Date.UTC(2026, 0, 1, 12))
    const a = await instance({}, clock)
    const jwt = a.deps.config.jwt
    const path = keyFilePath(jwt.keysDir, 'ES256')
    const old = Date.now() / 1000 - 60
    utimesSync(path, old, old)
    const entry = await generateKeyEntry('ES256', clock() + 1000)
    const opening = openKeyRing(jwt, clock) // reads the file synchronously, then awaits the imports
    const before = readKeyFile(path, 'ES256')!
    replaceKeyFile(path, { current: entry.kid, keys: [...before.keys, entry] })
    const ring = await opening
    await ring.reloadIfChanged()
    expect(await ring.verifyKeyForNew(entry.kid)).toBeDefined()
    expect(ring.current().kid).toBe(entry.kid)
  })

  // X2: a version was its mtime, and the kernel's coarse clock gives two writes within ~4 ms the same one.
  it('X2: two rotations within one mtime tick: the second is still loaded', async () => {
    const clock = manualClock(Date.UTC(2026, 0, 1, 12))
    const a = await instance({}, clock)
    const jwt = a.deps.config.jwt
    const path = keyFilePath(jwt.keysDir, 'ES256')
    const ring = await openKeyRing(jwt, clock)
    const e1 = await generateKeyEntry('ES256', clock() + 1000)
    const e2 = await generateKeyEntry('ES256', clock() + 1001)
    const f0 = readKeyFile(path, 'ES256')!
    replaceKeyFile(path, { current: e1.kid, keys: [...f0.keys, e1] })
    const tick = Math.floor(Date.now() / 1000) + 5
    utimesSync(path, tick, tick)
    expect(await ring.reloadIfChanged()).toBe(true)
    replaceKeyFile(path, { current: e2.kid, keys: [...f0.keys, e1, e2] })
    utimesSync(path, tick, tick) // what the kernel's coarse clock does to two writes within ~4 ms
    expect(await ring.verifyKeyForNew(e2.kid)).toBeDefined()
    expect(ring.current().kid).toBe(e2.kid)
  })
  // X3: the request joined the timer's reload of version 1 and answered 401 to a token of version 2.
  it('X3: a new kid that meets a reload already under way of an older version still loads the newer file', async () => {
    const clock = manualClock(Date.UTC(2026, 0, 1, 12))
    const a = await instance({}, clock)
    const jwt = a.deps.config.jwt
    const path = keyFilePath(jwt.keysDir, 'ES256')
    const ring = await openKeyRing(jwt, clock)
    const e1 = await generateKeyEntry('ES256', clock() + 1000)
    const e2 = await generateKeyEntry('ES256', clock() + 2000)
    const f0 = readKeyFile(path, 'ES256')!
    replaceKeyFile(path, { current: e1.kid, keys: [...f0.keys, e1] })
    utimesSync(path, 1000, 1000)
    const timer = ring.reloadIfChanged() // the timer read version 1 and is importing e1
    replaceKeyFile(path, { current: e2.kid, keys: [...f0.keys, e1, e2] })
    utimesSync(path, 2000, 2000)
    expect(await ring.verifyKeyForNew(e2.kid)).toBeDefined()
    await timer
  })
})
