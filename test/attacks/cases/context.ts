import {
  ADAPTERS,
  type AppName,
  type AppServer,
  type Cred,
  connectRedis,
  diffSnapshots,
  type RedisHandle,
  redisEnv,
  request,
  startApp,
} from '@auth-lab/test'
import { profileOptions, TEST_SECRET_BYTES } from './profiles.js'
import { probeFor, type StoreKind, type StoreProbe } from './store-probe.js'
import type { CaseContext, Check, NothingLostOptions, Profile, Target } from './types.js'

/** What a naive verifier needs to be configured like the real app it sits beside (bench/src/naive-verifier). */
export interface NaiveConfig {
  /** HS256 mode: the shared secret. */
  secret?: Uint8Array
  /** Asymmetric mode: the app's public key, as PEM (what a naive library is handed as "the key"). */
  publicKeyPem?: string
}

export type NaiveFactory = (config: NaiveConfig) => Promise<{ url: string; close(): Promise<void> }>

export interface ContextOptions {
  naive?: NaiveFactory
  /** Called when a server starts (the bench prints progress). */
  onStart?: (app: AppName, profile: Profile, server: AppServer) => void
  /**
   * `redis`: every server keeps sessions, refresh state and the throttle on the test file's redis-server
   * (`fileRedis()`, one per file; each server under its own REDIS_PREFIX). The caller stops it (`stopFileRedis`).
   */
  store?: StoreKind
}

export function createCaseContext(opts: ContextOptions = {}): CaseContext {
  const servers = new Map<string, Promise<AppServer>>()
  const naives = new Map<string, Promise<{ url: string; close(): Promise<void> }>>()
  const victimsTaken = new Map<AppServer, number>()
  const bobCreds = new Map<AppServer, Cred>()
  const profileOf = new Map<AppServer, Profile>()
  const probes = new Map<AppServer, Promise<StoreProbe>>()
  const clients = new Map<string, Promise<RedisHandle>>()
  const store = opts.store ?? 'sqlite'
  const connect = (url: string) => {
    let c = clients.get(url)
    if (!c) {
      c = connectRedis(url)
      clients.set(url, c)
    }
    return c
  }

  const ctx: CaseContext = {
    sideBySide: false,
    store,

    storeEnv: () => (store === 'redis' ? redisEnv() : Promise.resolve({})),

    probe(server) {
      let p = probes.get(server)
      if (!p) {
        p = probeFor(server, connect)
        probes.set(server, p)
      }
      return p
    },

    server(app, profile = 'main') {
      const key = `${app}:${profile}`
      let s = servers.get(key)
      if (!s) {
        const options = profileOptions(app, profile)
        s = ctx
          .storeEnv()
          .then((env) => startApp({ ...options, env: { ...options.env, ...env } }))
          .then((srv) => {
            profileOf.set(srv, profile)
            opts.onStart?.(app, profile, srv)
            return srv
          })
        servers.set(key, s)
      }
      return s
    },

    async verifierUrl(target: Target, profile: Profile = 'main') {
      const issuer = await ctx.server('stateless', profile)
      if (target === 'stateless') return issuer.url
      if (target !== 'naive') throw new Error(`no token verifier for ${target}`)
      if (!opts.naive) throw new Error('no naive verifier configured (bench only)')
      let n = naives.get(profile)
      if (!n) {
        const factory = opts.naive
        n = (async () => {
          if (issuer.env.JWT_SECRET) return factory({ secret: TEST_SECRET_BYTES })
          return factory({ publicKeyPem: await publicPemOf(issuer) })
        })()
        naives.set(profile, n)
      }
      return (await n).url
    },

    adapter: (app) => ADAPTERS[app],

    victim(server) {
      const i = victimsTaken.get(server) ?? 0
      const v = server.fixtures.victims[i]
      if (!v) throw new Error(`out of fixture victims on ${server.app}`)
      victimsTaken.set(server, i + 1)
      return v
    },

    async before(server) {
      if (profileOf.get(server) !== 'short' && !bobCreds.has(server)) {
        const bob = server.fixtures.users.bob
        const { cred } = await ADAPTERS[server.app].login(server, bob.username, bob.password)
        if (cred) bobCreds.set(server, cred)
      }
      return (await ctx.probe(server)).snapshot()
    },

    async nothingLost(server, before, check, nl: NothingLostOptions = {}) {
      const after = await (await ctx.probe(server)).snapshot()
      const d = diffSnapshots(before, after)
      const allowUsers = new Set(nl.allowUsers ?? [])
      check.that(
        d.usersAdded.length === 0 && d.usersRemoved.length === 0,
        `NL: users added/removed ${JSON.stringify(d)}`,
      )
      const changed = d.usersChanged.filter((id) => !allowUsers.has(id))
      check.that(changed.length === 0, `NL: user rows changed: ${changed.join(',')}`)
      if (nl.insertsOnly || ctx.sideBySide) {
        const touched = d.tablesTouched.filter(
          (t) => !(nl.allowTables === 'any' || nl.allowTables?.includes(t.table)),
        )
        check.that(
          touched.length === 0,
          `NL: existing rows changed: ${touched.map((t) => `${t.table} ×${t.rows}`).join(', ')}`,
        )
      } else if (nl.allowTables !== 'any') {
        const allowed = new Set(nl.allowTables ?? [])
        const tables = d.tablesChanged.filter((t) => !allowed.has(t.table))
        check.that(
          tables.length === 0,
          `NL: tables changed: ${tables.map((t) => `${t.table} ${t.before}→${t.after}`).join(', ')}`,
        )
      }
      const health = await request(server.url, 'GET', '/health')
      check.that(
        health.status === 200 && health.ms < 1000,
        `NL: /health ${health.status} in ${Math.round(health.ms)} ms`,
      )
      await bobStillWorks(server, check)
    },

    async close() {
      const all = [...servers.values()].map((p) => p.then((s) => s.stop()).catch(() => {}))
      const ns = [...naives.values()].map((p) => p.then((n) => n.close()).catch(() => {}))
      await Promise.all([...all, ...ns])
      await Promise.all([...clients.values()].map((c) => c.then((r) => r.close()).catch(() => {})))
      servers.clear()
      naives.clear()
      probes.clear()
      clients.clear()
    },
  }

  /** Bob logged in when the server was first checked; his credential must still work after every case. */
  async function bobStillWorks(server: AppServer, check: Check): Promise<void> {
    const adapter = ADAPTERS[server.app]
    const bob = server.fixtures.users.bob
    // With short timers bob's token or session may expire during the case by design; then he must be able to log in.
    let cred = profileOf.get(server) === 'short' ? undefined : bobCreds.get(server)
    if (cred) {
      const me = await adapter.me(server, cred)
      check.that(me.status === 200, `NL: bob's earlier credential now gets ${me.status}`)
      return
    }
    const login = await adapter.login(server, bob.username, bob.password)
    check.that(login.res.status === 200, `NL: bob cannot log in (${login.res.status})`)
    cred = login.cred
    if (cred) {
      bobCreds.set(server, cred)
      const me = await adapter.me(server, cred)
      check.that(me.status === 200, `NL: bob's fresh credential gets ${me.status}`)
    }
  }

  return ctx
}

/** The issuer's public key as SPKI PEM, taken from its JWKS endpoint like an attacker would. */
async function publicPemOf(server: AppServer): Promise<string> {
  const { importJWK, exportSPKI } = await import('jose')
  const res = await request(server.url, 'GET', '/.well-known/jwks.json')
  const jwk = res.json?.keys?.[0]
  if (!jwk) throw new Error('issuer exposes no public key')
  const key = await importJWK(jwk, jwk.alg, { extractable: true })
  if (key instanceof Uint8Array) throw new Error('JWKS holds a symmetric key')
  return exportSPKI(key)
}
