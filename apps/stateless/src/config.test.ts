import { ConfigError } from '@auth-lab/shared'
import { describe, expect, it } from 'vitest'
import { readConfig } from './config.js'

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
    expect(c.refresh).toEqual({ ttl: 1_209_600, absoluteTtl: 2_592_000, grace: 0 })
    expect(c.revocation).toBe('denylist')
    expect(c.jobs).toEqual({ purgeIntervalSeconds: 60, keyReloadIntervalSeconds: 5 })
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
    expect(c.refresh).toEqual({ ttl: 100, absoluteTtl: 200, grace: 3 })
    expect(c.revocation).toBe('version')
    expect(c.jobs).toEqual({ purgeIntervalSeconds: 600, keyReloadIntervalSeconds: 30 })
  })

  it('refuses to start with a JWT_SECRET shorter than 32 bytes, naming the variable', () => {
    for (const secret of ['secret', 'x'.repeat(16), 'x'.repeat(31)]) {
      expect(() => readConfig({ ...base, JWT_SECRET: secret })).toThrow(ConfigError)
      expect(() => readConfig({ ...base, JWT_SECRET: secret })).toThrow(/JWT_SECRET/)
    }
    expect(readConfig({ ...base, JWT_SECRET: 'x'.repeat(32) }).jwt.secret).toBe('x'.repeat(32))
  })

  it.each([
    [{ JWT_ALG: 'HS512' }, /JWT_ALG/],
    [{ JWT_ALG: 'none' }, /JWT_ALG/],
    [{ JWT_ALG: 'RS256', JWT_SECRET: 'x'.repeat(40) }, /JWT_SECRET/],
    [{ JWT_KEYS: 'ephemeral', JWT_SECRET: 'x'.repeat(40) }, /JWT_SECRET/],
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
