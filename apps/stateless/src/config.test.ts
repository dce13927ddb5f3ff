import { randomBytes } from 'node:crypto'
import { ConfigError, estimateSecretBits, MIN_SECRET_BITS } from '@auth-lab/shared'
import { describe, expect, it } from 'vitest'
import { readConfig } from './config.js'

/** 32 random bytes, base64url (what `openssl rand -base64 32` or the key file would give). */
const RANDOM_SECRET = 'xA-Z7jOX4_WdB9DQHjP2g0rPi4M7RFOjQTIk52J2Yuo'
const base = { DB_PATH: '/tmp/auth-lab-config-test/auth-lab.db' }

describe('readConfig', () => {
  it('has the documented defaults', () => {
    const c = readConfig(base)
    expect(c.port).toBe(3002)
    expect(c.host).toBe('127.0.0.1')
    expect(c.cookieSecure).toBe(false)
    expect(c.allowedOrigins).toEqual(['http://localhost:3002', 'http://127.0.0.1:3002'])
    expect(c.jwt).toEqual({
      alg: 'HS256',
      secret: undefined,
      keys: 'persist',
      keysDir: '/tmp/auth-lab-config-test/keys',
      issuer: 'auth-lab',
      audience: 'auth-lab-api',
      accessTtl: 900,
      clockTolerance: 5,
      format: 'jws',
    })
    expect(c.refresh).toEqual({
      ttl: 1_209_600,
      absoluteTtl: 2_592_000,
      grace: 0,
      maxFamiliesPerUser: 50,
      rotationBurst: 30,
      rotationRefillMs: 450_000, // half of ACCESS_TTL
    })
    expect(c.revocation).toBe('denylist')
    expect(c.jobs).toEqual({ purgeIntervalSeconds: 60, keyReloadIntervalSeconds: 5 })
    expect(c.accessTokenCache).toBe(10_000)
  })

  it('ACCESS_TOKEN_CACHE: 0 turns the verified-token cache off; negatives and junk are refused', () => {
    expect(readConfig({ ...base, ACCESS_TOKEN_CACHE: '0' }).accessTokenCache).toBe(0)
    expect(readConfig({ ...base, ACCESS_TOKEN_CACHE: '500' }).accessTokenCache).toBe(500)
    for (const bad of ['-1', 'lots', '2000000'])
      expect(() => readConfig({ ...base, ACCESS_TOKEN_CACHE: bad })).toThrow(/ACCESS_TOKEN_CACHE/)
  })

  it('REFRESH_REFILL defaults to half of ACCESS_TTL (never under 100 ms); REFRESH_BURST below 1 is refused', () => {
    expect(readConfig({ ...base, ACCESS_TTL: '60' }).refresh.rotationRefillMs).toBe(30_000)
    expect(readConfig({ ...base, ACCESS_TTL: '1' }).refresh.rotationRefillMs).toBe(500)
    expect(readConfig({ ...base, REFRESH_REFILL: '0' }).refresh.rotationRefillMs).toBe(450_000)
    expect(() => readConfig({ ...base, REFRESH_BURST: '0' })).toThrow(/REFRESH_BURST/)
    expect(() => readConfig({ ...base, REFRESH_REFILL: '-5' })).toThrow(/REFRESH_REFILL/)
  })

  it('reads every knob', () => {
    const c = readConfig({
      ...base,
      JWT_ALG: 'EdDSA',
      JWT_KEYS: 'ephemeral',
      JWT_KEYS_DIR: '/k',
      JWT_ISSUER: 'i',
      JWT_AUDIENCE: 'a',
      ACCESS_TTL: '60',
      CLOCK_TOLERANCE: '0',
      REFRESH_TTL: '100',
      REFRESH_ABSOLUTE_TTL: '200',
      REFRESH_GRACE: '3',
      REFRESH_BURST: '5',
      REFRESH_REFILL: '20',
      REVOCATION: 'version',
      ACCESS_TOKEN_FORMAT: 'jwe',
      PURGE_INTERVAL: '600',
      KEY_RELOAD_INTERVAL: '30',
    })
    expect(c.jwt).toMatchObject({
      alg: 'EdDSA',
      keys: 'ephemeral',
      keysDir: '/k',
      issuer: 'i',
      audience: 'a',
    })
    expect(c.jwt).toMatchObject({ accessTtl: 60, clockTolerance: 0, format: 'jwe' })
    expect(c.refresh).toEqual({
      ttl: 100,
      absoluteTtl: 200,
      grace: 3,
      maxFamiliesPerUser: 50,
      rotationBurst: 5,
      rotationRefillMs: 20_000,
    })
    expect(c.revocation).toBe('version')
    expect(c.jobs).toEqual({ purgeIntervalSeconds: 600, keyReloadIntervalSeconds: 30 })
  })

  it('refuses to start with a JWT_SECRET shorter than 32 bytes, naming the variable', () => {
    for (const secret of ['secret', 'x'.repeat(16), 'x'.repeat(31)]) {
      expect(() => readConfig({ ...base, JWT_SECRET: secret })).toThrow(ConfigError)
      expect(() => readConfig({ ...base, JWT_SECRET: secret })).toThrow(/JWT_SECRET/)
    }
    expect(readConfig({ ...base, JWT_SECRET: RANDOM_SECRET }).jwt.secret).toBe(RANDOM_SECRET)
  })

  // Issue 10 F6: 32 bytes is not enough when they are not random.
  it.each([
    ['repeated characters', 'a'.repeat(32)],
    ['a sequence', 'abcdefghijklmnopqrstuvwxyz0123456789'],
    ['a repeated block', 'Xy7!Qp2#Xy7!Qp2#Xy7!Qp2#Xy7!Qp2#'],
    ['words', 'my-super-secret-jwt-signing-key-2024!!'],
    ['a passphrase', 'correct horse battery staple and more words'],
    ['low diversity', 'abbaabababbbaababbabaaabbbabaabab'],
    ['hex counting', '0123456789abcdef0123456789abcdef'],
  ])('refuses a low-entropy JWT_SECRET of 32+ bytes (%s) and says how to generate one', (_label, secret) => {
    expect(Buffer.byteLength(secret)).toBeGreaterThanOrEqual(32)
    expect(() => readConfig({ ...base, JWT_SECRET: secret })).toThrow(ConfigError)
    expect(() => readConfig({ ...base, JWT_SECRET: secret })).toThrow(/JWT_SECRET.*openssl rand -base64 32/)
  })

  it('accepts generated secrets: base64, base64url and hex of 32 random bytes, every time', () => {
    for (let i = 0; i < 300; i++) {
      const bytes = randomBytes(32)
      for (const secret of [bytes.toString('base64'), bytes.toString('base64url'), bytes.toString('hex')]) {
        expect(estimateSecretBits(secret).bits).toBeGreaterThanOrEqual(MIN_SECRET_BITS)
        expect(readConfig({ ...base, JWT_SECRET: secret }).jwt.secret).toBe(secret)
      }
    }
  })

  it.each([
    [{ JWT_ALG: 'HS512' }, /JWT_ALG/],
    [{ JWT_ALG: 'none' }, /JWT_ALG/],
    [{ JWT_ALG: 'RS256', JWT_SECRET: RANDOM_SECRET }, /JWT_SECRET/],
    [{ JWT_KEYS: 'ephemeral', JWT_SECRET: RANDOM_SECRET }, /JWT_SECRET/],
    [{ REVOCATION: 'sometimes' }, /REVOCATION/],
    [{ ACCESS_TOKEN_FORMAT: 'paseto' }, /ACCESS_TOKEN_FORMAT/],
    [{ ACCESS_TTL: '0' }, /ACCESS_TTL/],
    [{ CLOCK_TOLERANCE: '3600' }, /CLOCK_TOLERANCE/],
    [{ REFRESH_TTL: '100', REFRESH_ABSOLUTE_TTL: '50' }, /REFRESH_ABSOLUTE_TTL/],
    [{ REFRESH_ABSOLUTE_TTL: String(401 * 24 * 3600) }, /REFRESH_ABSOLUTE_TTL/],
    [{ PORT: 'abc' }, /PORT/],
    [{ PURGE_INTERVAL: '0' }, /PURGE_INTERVAL/],
    [{ PURGE_INTERVAL: '1.5' }, /PURGE_INTERVAL/],
    [{ KEY_RELOAD_INTERVAL: '0' }, /KEY_RELOAD_INTERVAL/],
    [{ KEY_RELOAD_INTERVAL: '3601' }, /KEY_RELOAD_INTERVAL/],
  ])('refuses %j', (env, message) => {
    expect(() => readConfig({ ...base, ...env })).toThrow(message)
  })
})
