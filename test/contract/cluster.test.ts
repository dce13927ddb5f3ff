import type { RedisTestCluster } from '@auth-lab/shared/redis-test-server'
import { startRedisCluster } from '@auth-lab/shared/redis-test-server'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ADAPTERS, type AppName, type AppServer, connectRedis, refresh, startApp } from '../helpers/index.js'
import { contractServer } from './apps.js'

/**
 * Both apps on a real 3-master Redis Cluster (REDIS_CLUSTER_NODES, issue 12): the core flows of the contract,
 * refresh rotation through the Lua script (its keys share the user's hash tag, so it runs on one node) with
 * exactly one winner among 20 concurrent refreshes, reuse detection, the throttle, and every key with a TTL on
 * every node. Cross-instance logout with REDIS_CLIENT_CACHE=1 shows the pooled client-side cache invalidates
 * across the cluster.
 */
let cluster: RedisTestCluster
const servers: AppServer[] = []
let prefixes = 0

async function onCluster(app: AppName, extra: Record<string, string> = {}, dbPath?: string) {
  const base = contractServer(app, 'main')
  const server = await startApp({
    ...base,
    ...(dbPath ? { seed: false } : {}),
    env: {
      ...base.env,
      REDIS_CLUSTER_NODES: cluster.nodes.join(','),
      REDIS_PREFIX: `c${process.pid}-${++prefixes}:`,
      SESSION_STORE: 'redis',
      TOKEN_STORE: 'redis',
      ...extra,
      ...(dbPath ? { DB_PATH: dbPath } : {}),
    },
  })
  servers.push(server)
  return server
}

beforeAll(async () => {
  cluster = await startRedisCluster()
}, 60_000)

afterAll(async () => {
  await Promise.all(servers.map((s) => s.stop()))
  await cluster?.stop()
}, 60_000)

describe.each(['stateful', 'stateless'] as const)('%s on a 3-master Redis Cluster', (app) => {
  const a = ADAPTERS[app]
  let server: AppServer
  beforeAll(async () => {
    server = await onCluster(app)
  }, 60_000)

  it('login, /me, sessions, logout, logout-all and password change', async () => {
    const v = server.fixtures.victims[0]
    if (!v) throw new Error('no victim')
    const one = await a.login(server, v.username, v.password)
    const two = await a.login(server, v.username, v.password)
    expect(one.res.status).toBe(200)
    if (!one.cred || !two.cred) throw new Error('login gave no credential')
    expect((await a.me(server, one.cred)).status).toBe(200)
    expect(((await a.sessions(server, one.cred)).json?.sessions ?? []).length).toBe(2)
    expect((await a.logout(server, two.cred)).status).toBe(204)
    expect((await a.me(server, two.cred)).status).toBe(401)
    const three = await a.login(server, v.username, v.password)
    if (!three.cred) throw new Error('login gave no credential')
    expect((await a.logoutAll(server, three.cred)).status).toBe(204)
    expect((await a.me(server, one.cred)).status).toBe(401)
    const four = await a.login(server, v.username, v.password)
    const five = await a.login(server, v.username, v.password)
    if (!four.cred || !five.cred) throw new Error('login gave no credential')
    const changed = await a.changePassword(server, four.cred, v.password, 'cluster-new-pass-2026')
    expect(changed.res.status).toBeLessThan(300)
    expect((await a.me(server, five.cred)).status).toBe(401)
    if (changed.cred) expect((await a.me(server, changed.cred)).status).toBe(200)
  })

  it('the throttle holds on the cluster: 5 failures, then 429', async () => {
    const v = server.fixtures.victims[1]
    if (!v) throw new Error('no victim')
    const statuses: number[] = []
    for (let i = 0; i < 6; i++) statuses.push((await a.login(server, v.username, `wrong-${i}`)).res.status)
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429])
  })

  if (app === 'stateless') {
    it('rotation runs the Lua script on the cluster: 20 concurrent refreshes → exactly one 200; reuse revokes', async () => {
      const v = server.fixtures.victims[2]
      if (!v) throw new Error('no victim')
      const { cred } = await a.login(server, v.username, v.password)
      const results = await Promise.all(Array.from({ length: 20 }, () => refresh(server, cred?.refresh)))
      expect(results.filter((r) => r.res.status === 200).length).toBe(1)
      expect(results.every((r) => r.res.status === 200 || r.res.status === 401)).toBe(true)
      const bystander = await a.login(server, v.username, v.password)
      const again = await a.login(server, v.username, v.password)
      const next = await refresh(server, again.cred?.refresh)
      expect(next.res.status).toBe(200)
      const reuse = await refresh(server, again.cred?.refresh)
      expect(reuse.res.status).toBe(401)
      expect(reuse.res.json?.error).toBe('refresh_token_reused')
      expect((await refresh(server, next.cred?.refresh)).res.status).toBe(401) // the family is revoked
      // The user's other device is untouched by the revocation of this family.
      expect((await refresh(server, bystander.cred?.refresh)).res.status).toBe(200)
    })
  }

  it('REDIS_CLIENT_CACHE=1 on the cluster: a logout on instance A is refused on instance B', async () => {
    const env = { REDIS_CLIENT_CACHE: '1', REDIS_PREFIX: `c${process.pid}-cache-${app}:` }
    const first = await onCluster(app, env)
    const second = await onCluster(app, env, first.dbPath)
    const v = first.fixtures.victims[3]
    if (!v) throw new Error('no victim')
    const { cred } = await a.login(first, v.username, v.password)
    if (!cred) throw new Error('login gave no credential')
    // Read twice on B: the second answer comes from B's cache (the entry B will need invalidated).
    expect((await a.me(second, cred)).status).toBe(200)
    expect((await a.me(second, cred)).status).toBe(200)
    expect((await a.logout(first, cred)).status).toBe(204)
    let refused = false
    for (let i = 0; i < 50 && !refused; i++) {
      refused = (await a.me(second, cred)).status === 401
      if (!refused) await new Promise((r) => setTimeout(r, 20))
    }
    expect(refused, 'B still accepts the credential 1 s after the logout on A').toBe(true)
  })
})

describe('keys on the cluster', () => {
  it('countKeys counts on every master (a cluster client has no SCAN of its own)', async () => {
    const redis = await connectRedis(`redis+cluster://${cluster.nodes.join(',')}`)
    const prefix = `count-${process.pid}:`
    try {
      // 30 keys under 30 hash tags: spread over the three masters' slots.
      for (let i = 0; i < 30; i++) await redis.client.set(`${prefix}{t${i}}`, '1', { PX: 60_000 })
      expect(await redis.countKeys(`${prefix}*`)).toBe(30)
      expect(await redis.countKeys(`${prefix}{t1}*`)).toBe(1)
    } finally {
      await redis.close()
    }
  })

  it('every key on every node has a TTL (SCAN + PTTL per node)', async () => {
    let total = 0
    let nodesWithKeys = 0
    for (const node of cluster.nodes) {
      const before = total
      const redis = await connectRedis(`redis://${node}`)
      try {
        const noTtl: string[] = []
        for await (const keys of redis.client.scanIterator({ MATCH: '*', COUNT: 1000 })) {
          for (const k of keys) {
            total++
            if (Number(await redis.client.pTTL(k)) === -1) noTtl.push(k)
          }
        }
        expect(noTtl, `keys without TTL on ${node}`).toEqual([])
        if (total > before) nodesWithKeys++
      } finally {
        await redis.close()
      }
    }
    // The keys are spread over the masters (the check is not vacuous).
    expect(total).toBeGreaterThan(10)
    expect(nodesWithKeys).toBeGreaterThan(1)
  })
})
