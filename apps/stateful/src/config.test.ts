import { ConfigError, defaultDbPath } from '@auth-lab/shared'
import { describe, expect, it } from 'vitest'
import { DEFAULTS, readConfig } from './config.js'

describe('readConfig', () => {
  it('uses the documented defaults', () => {
    const c = readConfig({})
    expect(c.port).toBe(3001)
    expect(c.host).toBe('127.0.0.1')
    expect(c.dbPath).toBe(defaultDbPath())
    expect(c.cookieSecure).toBe(false)
    expect(c.allowedOrigins).toEqual(['http://localhost:3001', 'http://127.0.0.1:3001'])
    expect(c.trustProxy).toBe(false)
    expect(c.logRequests).toBe(false)
    expect(c.session).toEqual({
      store: 'sqlite',
      idleTtlSeconds: 1800,
      absoluteTtlSeconds: 43_200,
      touchIntervalSeconds: 60,
      purgeIntervalSeconds: 300,
      maxPerUser: 50,
    })
    expect(DEFAULTS.port).toBe(3001)
  })

  it('reads every variable', () => {
    const c = readConfig({
      PORT: '4100',
      HOST: '0.0.0.0',
      DB_PATH: '/tmp/x.db',
      INSTANCE_ID: 'a',
      SESSION_STORE: 'memory',
      SESSION_IDLE_TTL: '60',
      SESSION_ABSOLUTE_TTL: '120',
      SESSION_TOUCH_INTERVAL: '10',
      SESSION_PURGE_INTERVAL: '30',
      COOKIE_SECURE: '1',
      ALLOWED_ORIGINS: 'https://a.example, https://b.example:8443',
      TRUST_PROXY: '1',
    })
    expect(c).toMatchObject({
      port: 4100,
      host: '0.0.0.0',
      dbPath: '/tmp/x.db',
      instanceId: 'a',
      cookieSecure: true,
      trustProxy: true,
      allowedOrigins: ['https://a.example', 'https://b.example:8443'],
      session: {
        store: 'memory',
        idleTtlSeconds: 60,
        absoluteTtlSeconds: 120,
        touchIntervalSeconds: 10,
        purgeIntervalSeconds: 30,
      },
    })
    expect(readConfig({ PORT: '4100' }).allowedOrigins).toEqual([
      'http://localhost:4100',
      'http://127.0.0.1:4100',
    ])
  })

  it.each([
    [{ SESSION_STORE: 'redis' }, /SESSION_STORE/],
    [{ SESSION_IDLE_TTL: 'ten' }, /SESSION_IDLE_TTL/],
    [{ SESSION_IDLE_TTL: '1' }, /SESSION_IDLE_TTL/],
    [{ SESSION_IDLE_TTL: '600', SESSION_ABSOLUTE_TTL: '300' }, /SESSION_ABSOLUTE_TTL.*SESSION_IDLE_TTL/],
    [{ SESSION_PURGE_INTERVAL: '0' }, /SESSION_PURGE_INTERVAL/],
    [{ PORT: '70000' }, /PORT/],
    [{ COOKIE_SECURE: 'maybe' }, /COOKIE_SECURE/],
    [{ ALLOWED_ORIGINS: 'https://a.example/path' }, /ALLOWED_ORIGINS/],
  ])('refuses %o with a ConfigError naming the variable', (env, pattern) => {
    expect(() => readConfig(env)).toThrow(ConfigError)
    expect(() => readConfig(env)).toThrow(pattern)
  })
})
