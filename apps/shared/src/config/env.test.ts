import { describe, expect, it } from 'vitest'
import { clusterNodes } from '../redis/client.js'
import { ConfigError, envBool, envEnum, envInt, envOrigins, readCommonConfig } from './env.js'

describe('env parsing', () => {
  it('uses defaults when unset or blank', () => {
    expect(envInt({}, 'X', 7)).toBe(7)
    expect(envInt({ X: '  ' }, 'X', 7)).toBe(7)
    expect(envBool({}, 'B', true)).toBe(true)
  })

  it('rejects malformed and out-of-range values with the variable name', () => {
    expect(() => envInt({ PORT: 'abc' }, 'PORT', 1)).toThrow(ConfigError)
    expect(() => envInt({ PORT: '1.5' }, 'PORT', 1)).toThrow(/PORT/)
    expect(() => envInt({ PORT: '70000' }, 'PORT', 1, { max: 65535 })).toThrow(/<= 65535/)
    expect(() => envBool({ B: 'maybe' }, 'B', false)).toThrow(/B must be 1 or 0/)
    expect(() => envEnum({ M: 'redis' }, 'M', ['sqlite', 'memory'] as const, 'sqlite')).toThrow(
      /sqlite, memory/,
    )
  })

  it('accepts only bare origins', () => {
    expect(envOrigins({ O: 'http://a.test:8080, https://b.test' }, 'O', [])).toEqual([
      'http://a.test:8080',
      'https://b.test',
    ])
    expect(() => envOrigins({ O: 'https://b.test/path' }, 'O', [])).toThrow(ConfigError)
    expect(() => envOrigins({ O: 'not a url' }, 'O', [])).toThrow(ConfigError)
  })

  it('derives the default allowed origins from the port', () => {
    const c = readCommonConfig({ PORT: '4000' }, { port: 3001, dbPath: '/tmp/x.db', app: 'stateful' })
    expect(c.allowedOrigins).toEqual(['http://localhost:4000', 'http://127.0.0.1:4000'])
    expect(c.host).toBe('127.0.0.1')
    expect(c.cookieSecure).toBe(false)
    expect(c.argon2).toEqual({ memoryCost: 19456, timeCost: 2, parallelism: 1, maxActive: 2, maxQueued: 64 })
    expect(c.throttle).toEqual({ maxFailuresPerUser: 5, maxFailuresPerIp: 50, windowSeconds: 900 })
  })
})

describe('session 9 settings', () => {
  const d = { port: 1, dbPath: ':memory:', app: 'x' }
  it('a relative DB_PATH is taken from where the command was typed (INIT_CWD), SQLite names stay as they are', () => {
    expect(readCommonConfig({ DB_PATH: 'data/x.db', INIT_CWD: '/home/me/repo' }, d).dbPath).toBe(
      '/home/me/repo/data/x.db',
    )
    expect(readCommonConfig({ DB_PATH: '/abs/x.db', INIT_CWD: '/home/me' }, d).dbPath).toBe('/abs/x.db')
    expect(readCommonConfig({ DB_PATH: ':memory:', INIT_CWD: '/home/me' }, d).dbPath).toBe(':memory:')
  })

  it('LAB_URL: an http(s) origin, nothing else (it lands in the demo page links)', () => {
    expect(readCommonConfig({}, d).labUrl).toBe('http://localhost:3000')
    expect(readCommonConfig({ LAB_URL: 'https://lab.example:8443/x' }, d).labUrl).toBe(
      'https://lab.example:8443',
    )
    expect(() => readCommonConfig({ LAB_URL: 'javascript:alert(1)' }, d)).toThrow(/LAB_URL/)
    expect(() => readCommonConfig({ LAB_URL: 'not a url' }, d)).toThrow(/LAB_URL/)
  })
})

describe('issue 10 F9 settings', () => {
  it('the default instance id is random, not the process id', () => {
    const a = readCommonConfig({}, { port: 1, dbPath: ':memory:', app: 'x' })
    const b = readCommonConfig({}, { port: 1, dbPath: ':memory:', app: 'x' })
    expect(a.instanceId).not.toContain(String(process.pid))
    expect(a.instanceId).not.toBe(b.instanceId)
  })

  it('METRICS_TOKEN: unset by default, refused when short', () => {
    expect(readCommonConfig({}, { port: 1, dbPath: ':memory:', app: 'x' }).metricsToken).toBeUndefined()
    expect(() =>
      readCommonConfig({ METRICS_TOKEN: 'short' }, { port: 1, dbPath: ':memory:', app: 'x' }),
    ).toThrow(/METRICS_TOKEN/)
  })

  it('HTTP timeouts default to seconds, and headers may not outlast the request', () => {
    expect(readCommonConfig({}, { port: 1, dbPath: ':memory:', app: 'x' }).http).toEqual({
      headersTimeoutMs: 10_000,
      requestTimeoutMs: 15_000,
    })
    expect(() =>
      readCommonConfig(
        { HTTP_HEADERS_TIMEOUT: '20', HTTP_REQUEST_TIMEOUT: '5' },
        { port: 1, dbPath: ':memory:', app: 'x' },
      ),
    ).toThrow(/HTTP_HEADERS_TIMEOUT/)
  })
})

describe('Redis Cluster settings', () => {
  const read = (env: Record<string, string>) =>
    readCommonConfig(env, { port: 1, dbPath: ':memory:', app: 'x' }).redis
  it('REDIS_CLUSTER_NODES becomes a redis+cluster:// URL for the client factory', () => {
    expect(read({ REDIS_CLUSTER_NODES: '10.0.0.1:7000, 10.0.0.2:7001' }).url).toBe(
      'redis+cluster://10.0.0.1:7000,10.0.0.2:7001',
    )
    expect(clusterNodes('redis+cluster://10.0.0.1:7000,10.0.0.2:7001')).toEqual([
      '10.0.0.1:7000',
      '10.0.0.2:7001',
    ])
    expect(clusterNodes('redis://127.0.0.1:6379')).toBeUndefined()
  })
  it('refuses both REDIS_URL and REDIS_CLUSTER_NODES, and malformed nodes', () => {
    expect(() => read({ REDIS_URL: 'redis://a:1', REDIS_CLUSTER_NODES: 'b:2' })).toThrow(ConfigError)
    expect(() => read({ REDIS_CLUSTER_NODES: 'no-port' })).toThrow(ConfigError)
    expect(() => read({ REDIS_CLUSTER_NODES: 'a:1,,b:2' })).toThrow(ConfigError)
  })
  it('keeps the client cache available on a cluster (node-redis 6 pools it per node)', () => {
    expect(read({ REDIS_CLUSTER_NODES: 'a:1', REDIS_CLIENT_CACHE: '1' }).clientCache).toBe(true)
  })
})
