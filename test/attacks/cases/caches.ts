import { randomBytes } from 'node:crypto'
import { renameSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { type AppServer, type Cred, METRICS_AUTH, request } from '@auth-lab/test'
import { COOKIE_CACHE_SHORT_S } from './profiles.js'
import type { AttackCase, CaseContext, Check } from './types.js'
import { describeRes, isRejectA, isRejectB, mustLogin, sleep } from './util.js'

/**
 * Issue 11 items 7–8: the two caches, black-box. Each case first shows the cache is really answering (its hit
 * counter on /metrics moves), then that what must be refused still is:
 * - K01–K04, the stateless verified-token cache (ACCESS_TOKEN_CACHE, on by default): an expired token, a revoked one
 *   (deny-list, version, credential epoch), one signed by a key removed from the key file, and a malleated twin of a
 *   cached token — all refused with the cache on.
 * - K05–K07, the stateful session cookie cache (SESSION_COOKIE_CACHE): a forged or altered snapshot, a snapshot
 *   moved next to another session ID, and an expired one — never trusted. K07 also records the revocation window
 *   the cache opens on purpose (a revoked session answers until its snapshot expires).
 */

/** `auth_lab_cache_lookups_total{cache, result}` from the server's /metrics. */
async function cacheLookups(server: AppServer, cache: string): Promise<{ hit: number; miss: number }> {
  const res = await request(server.url, 'GET', '/metrics', { headers: METRICS_AUTH })
  const n = (result: string) => {
    const line = res.text
      .split('\n')
      .find(
        (l) =>
          l.startsWith('auth_lab_cache_lookups_total{') &&
          l.includes(`cache="${cache}"`) &&
          l.includes(`result="${result}"`),
      )
    return line ? Number(line.split(' ').at(-1)) : 0
  }
  return { hit: n('hit'), miss: n('miss') }
}

/** `auth_lab_store_operations_total{op="read", table}` from the server's /metrics. */
async function storeReads(server: AppServer, table: string): Promise<number> {
  const res = await request(server.url, 'GET', '/metrics', { headers: METRICS_AUTH })
  const line = res.text
    .split('\n')
    .find(
      (l) =>
        l.startsWith('auth_lab_store_operations_total{') &&
        l.includes('op="read"') &&
        l.includes(`table="${table}"`),
    )
  return line ? Number(line.split(' ').at(-1)) : 0
}

/** Sends `cred`'s token to /me twice and checks that the second answer came from the cache. */
async function warmToken(ctx: CaseContext, server: AppServer, cred: Cred, check: Check, label: string) {
  const a = ctx.adapter('stateless')
  const before = await cacheLookups(server, 'access_token')
  const first = await a.me(server, cred)
  const second = await a.me(server, cred)
  const after = await cacheLookups(server, 'access_token')
  check.status(`${label}: /me before the event`, first, 200)
  check.status(`${label}: /me again`, second, 200)
  check.that(
    after.hit > before.hit,
    `${label}: the verified-token cache did not answer (hits ${before.hit} → ${after.hit})`,
  )
}

function refusedB(check: Check, label: string, res: Parameters<typeof isRejectB>[0]): void {
  check.that(isRejectB(res), `${label}: got ${describeRes(res)} (want 401 invalid_token)`)
}

/** Same bytes, different string: flips the unused low bits of the last base64url character (HS256: 32 bytes). */
function nonCanonicalTwin(token: string): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'
  const last = token.at(-1) ?? 'A'
  return token.slice(0, -1) + (alphabet[alphabet.indexOf(last) ^ 1] ?? last)
}

/** P-256 group order: (r, n − s) is the other valid ECDSA signature of the same message. */
const P256_N = BigInt('0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551')
function highSTwin(token: string): string {
  const [h, p, sig] = token.split('.')
  const raw = Buffer.from(sig ?? '', 'base64url')
  const s = BigInt(`0x${raw.subarray(32).toString('hex')}`)
  const s2 = Buffer.from((P256_N - s).toString(16).padStart(64, '0'), 'hex')
  return `${h}.${p}.${Buffer.concat([raw.subarray(0, 32), s2]).toString('base64url')}`
}

/** The stateful app's snapshot cookie: `sid_cache`, `__Host-sid_cache` with COOKIE_SECURE=1. */
const snapshotName = (ctx: CaseContext, server: AppServer) =>
  `${ctx.adapter('stateful').cookieName(server)}_cache`

/** Logs in and calls /me once: the session cookie and the snapshot the browser then holds. */
async function withSnapshot(ctx: CaseContext, server: AppServer, username: string, password: string) {
  const a = ctx.adapter('stateful')
  const cred = await mustLogin(ctx, server, username, password)
  const res = await a.me(server, cred)
  const snapshot = res.cookie(snapshotName(ctx, server))?.value
  return { cred, snapshot, status: res.status }
}

const meWith = (ctx: CaseContext, server: AppServer, sid: string | undefined, snapshot: string | undefined) =>
  ctx.adapter('stateful').send(server, sid ? { app: 'stateful', sid } : undefined, 'GET', '/me', {
    cookies: snapshot === undefined ? {} : { [snapshotName(ctx, server)]: snapshot },
  })

export const cacheCases: AttackCase[] = [
  {
    id: 'K01',
    title: 'Verified-token cache: an expired token is refused although it was cached',
    group: 'jwt',
    apps: ['stateless'],
    pace: 'timer', // waits out a 2 s access token
    expected:
      'token answered from the cache (hit counted), then after exp (ACCESS_TTL 2 s, no tolerance) → 401',
    async run(ctx, _app, check) {
      const server = await ctx.server('stateless', 'short')
      const v = ctx.victim(server)
      const cred = await mustLogin(ctx, server, v.username, v.password)
      await warmToken(ctx, server, cred, check, 'short-lived token')
      await sleep(2_600)
      refusedB(check, 'after exp', await ctx.adapter('stateless').me(server, cred))
    },
  },
  {
    id: 'K02',
    title: 'Verified-token cache: revoked tokens (deny-list, version, credential epoch) are refused at once',
    group: 'jwt',
    apps: ['stateless'],
    pace: 'fast',
    expected:
      'cached tokens → 401 right after logout (denylist), logout-all (version), and a password change on another device (credential epoch)',
    async run(ctx, _app, check) {
      const a = ctx.adapter('stateless')
      // denylist: the logged-out token.
      const main = await ctx.server('stateless', 'main')
      const d = ctx.victim(main)
      const dc = await mustLogin(ctx, main, d.username, d.password)
      await warmToken(ctx, main, dc, check, 'denylist')
      check.status('denylist: logout', await a.logout(main, dc), [200, 204])
      refusedB(check, 'denylist: the logged-out token', await a.me(main, dc))
      // version: every token of the user after logout-all.
      const ver = await ctx.server('stateless', 'version')
      const u = ctx.victim(ver)
      const [one, two] = [
        await mustLogin(ctx, ver, u.username, u.password),
        await mustLogin(ctx, ver, u.username, u.password),
      ]
      await warmToken(ctx, ver, two, check, 'version')
      check.status('version: logout-all', await a.logoutAll(ver, one), [200, 204])
      refusedB(check, 'version: the other device’s token', await a.me(ver, two))
      // credential epoch: a password change on device 1 ends device 2's cached token.
      const e = ctx.victim(main)
      const [p1, p2] = [
        await mustLogin(ctx, main, e.username, e.password),
        await mustLogin(ctx, main, e.username, e.password),
      ]
      await warmToken(ctx, main, p2, check, 'epoch')
      const changed = await a.changePassword(main, p1, e.password, `${e.password}-changed-k02`)
      check.status('epoch: password change', changed.res, [200, 204])
      refusedB(check, 'epoch: the other device’s token', await a.me(main, p2))
    },
  },
  {
    id: 'K03',
    title: 'Verified-token cache: a token signed by a key removed from the key file is refused',
    group: 'jwt',
    apps: ['stateless'],
    pace: 'timer', // waits for the key reload (KEY_RELOAD_INTERVAL=1 s)
    expected:
      'cached token → key file rewritten without its key (emergency rotation) → 401 within the reload interval',
    async run(ctx, _app, check) {
      const server = await ctx.server('stateless', 'keyfile')
      const v = ctx.victim(server)
      const cred = await mustLogin(ctx, server, v.username, v.password)
      await warmToken(ctx, server, cred, check, 'old key')
      const kid = randomBytes(12).toString('base64url')
      const file = {
        current: kid,
        keys: [{ kid, alg: 'HS256', createdAt: Date.now(), secret: randomBytes(32).toString('base64url') }],
      }
      const path = join(server.keysDir, 'jwt-HS256.json')
      const tmp = `${path}.k03.tmp`
      writeFileSync(tmp, `${JSON.stringify(file)}\n`, { mode: 0o600 })
      renameSync(tmp, path)
      await sleep(2_500)
      refusedB(check, 'token of the removed key', await ctx.adapter('stateless').me(server, cred))
      const fresh = await mustLogin(ctx, server, v.username, v.password)
      check.status('a token of the new key', await ctx.adapter('stateless').me(server, fresh), 200)
    },
  },
  {
    id: 'K04',
    title:
      'Verified-token cache: a malleated twin of a cached token misses the cache and dies with the token (F8)',
    group: 'jwt',
    apps: ['stateless'],
    pace: 'fast',
    expected:
      'twin (HS256 non-canonical base64url, ES256 (r, n−s)) is not a cache hit; after logout the token and its twin → 401',
    async run(ctx, _app, check) {
      const notes: string[] = []
      for (const profile of ['main', 'es256'] as const) {
        const server = await ctx.server('stateless', profile)
        const a = ctx.adapter('stateless')
        const v = ctx.victim(server)
        const cred = await mustLogin(ctx, server, v.username, v.password)
        await warmToken(ctx, server, cred, check, profile)
        const twin = profile === 'main' ? nonCanonicalTwin(cred.access ?? '') : highSTwin(cred.access ?? '')
        check.that(twin !== cred.access, `${profile}: could not build a twin`)
        const before = await cacheLookups(server, 'access_token')
        const twinBefore = await a.me(server, { ...cred, access: twin })
        const after = await cacheLookups(server, 'access_token')
        check.that(after.hit === before.hit, `${profile}: the twin was answered from the cache`)
        check.status(`${profile}: logout`, await a.logout(server, cred), [200, 204])
        refusedB(check, `${profile}: the token`, await a.me(server, cred))
        refusedB(check, `${profile}: its twin`, await a.me(server, { ...cred, access: twin }))
        notes.push(`${profile}: twin ${twinBefore.status} before logout (jose's call, not the cache's)`)
      }
      check.note(notes.join('; '))
    },
  },
  {
    id: 'K05',
    title: 'Session cookie cache: a forged or altered snapshot is never trusted',
    group: 'session',
    apps: ['stateful'],
    pace: 'fast',
    expected:
      'altered role/user/expiry → answered from the store (a read, the real user); forged MAC next to a dead session → 401; junk → no 500',
    async run(ctx, _app, check) {
      const server = await ctx.server('stateful', 'cookie-cache')
      const v = ctx.victim(server)
      const { cred, snapshot, status } = await withSnapshot(ctx, server, v.username, v.password)
      check.that(status === 200, `first /me: ${status}`)
      if (!check.that(snapshot !== undefined, 'no snapshot cookie after /me') || !snapshot || !cred.sid)
        return
      const hits0 = (await cacheLookups(server, 'session_cookie')).hit
      check.status('/me with the snapshot', await meWith(ctx, server, cred.sid, snapshot), 200)
      check.that((await cacheLookups(server, 'session_cookie')).hit > hits0, 'the snapshot did not answer')
      const [body, mac] = snapshot.split('.') as [string, string]
      const p = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as Record<string, unknown>
      for (const [label, change] of [
        ['role → admin', { r: 'admin' }],
        ['user → 1', { u: 1, n: 'bob' }],
        ['exp + 1 h', { exp: Number(p.exp) + 3_600_000 }],
      ] as const) {
        const altered = `${Buffer.from(JSON.stringify({ ...p, ...change })).toString('base64url')}.${mac}`
        const reads0 = await storeReads(server, 'sessions')
        const res = await meWith(ctx, server, cred.sid, altered)
        const reads1 = await storeReads(server, 'sessions')
        check.status(`${label}: /me`, res, 200)
        check.that(
          res.json?.user?.username === v.username && res.json?.user?.role === 'user',
          `${label}: served ${JSON.stringify(res.json?.user)}`,
        )
        check.that(reads1 > reads0, `${label}: no store read (the altered snapshot was trusted)`)
      }
      for (const junk of [
        'x',
        `${body}.${'A'.repeat(43)}`,
        `${'A'.repeat(600)}.${mac}`,
        `${body}.${mac}.extra`,
      ]) {
        const res = await meWith(ctx, server, cred.sid, junk)
        check.status(`junk snapshot ${junk.slice(0, 12)}…`, res, 200)
      }
      check.status('logout', await ctx.adapter('stateful').logout(server, cred), 204)
      const forged = await meWith(ctx, server, cred.sid, `${body}.${randomBytes(32).toString('base64url')}`)
      check.that(isRejectA(forged), `forged snapshot next to the dead session: ${describeRes(forged)}`)
    },
  },
  {
    id: 'K06',
    title: 'Session cookie cache: a snapshot moved to another session ID is never trusted',
    group: 'session',
    apps: ['stateful'],
    pace: 'fast',
    expected:
      "victim's snapshot + attacker's session → the attacker (store read); + a never-issued ID → 401; alone → 401",
    async run(ctx, _app, check) {
      const server = await ctx.server('stateful', 'cookie-cache')
      const [v, w] = [ctx.victim(server), ctx.victim(server)]
      const victim = await withSnapshot(ctx, server, v.username, v.password)
      const attacker = await withSnapshot(ctx, server, w.username, w.password)
      if (!check.that(victim.snapshot !== undefined, 'no snapshot cookie after /me') || !victim.snapshot)
        return
      const moved = await meWith(ctx, server, attacker.cred.sid, victim.snapshot)
      check.status('victim snapshot + attacker session', moved, 200)
      check.that(
        moved.json?.user?.username === w.username,
        `served ${moved.json?.user?.username}, not the attacker`,
      )
      const stranger = await meWith(ctx, server, randomBytes(32).toString('base64url'), victim.snapshot)
      check.that(isRejectA(stranger), `victim snapshot + never-issued ID: ${describeRes(stranger)}`)
      const alone = await meWith(ctx, server, undefined, victim.snapshot)
      check.that(isRejectA(alone), `victim snapshot alone: ${describeRes(alone)}`)
    },
  },
  {
    id: 'K07',
    title: 'Session cookie cache: the revocation window, and an expired snapshot refused',
    group: 'session',
    apps: ['stateful'],
    pace: 'timer', // waits out a 2 s snapshot
    expected: `after logout-all on another device: the old cookies answer until the snapshot expires (${COOKIE_CACHE_SHORT_S} s, documented), then → 401`,
    async run(ctx, _app, check) {
      const server = await ctx.server('stateful', 'cookie-cache-short')
      const v = ctx.victim(server)
      const other = await mustLogin(ctx, server, v.username, v.password)
      const dev = await withSnapshot(ctx, server, v.username, v.password)
      if (!check.that(dev.snapshot !== undefined, 'no snapshot cookie after /me') || !dev.snapshot) return
      const issued = Date.now()
      check.status(
        'logout-all on the other device',
        await ctx.adapter('stateful').logoutAll(server, other),
        204,
      )
      const during = await meWith(ctx, server, dev.cred.sid, dev.snapshot)
      const inWindow = Date.now() - issued < COOKIE_CACHE_SHORT_S * 1000
      if (inWindow) check.status('inside the window (the documented cost)', during, 200)
      await sleep(Math.max(0, issued + COOKIE_CACHE_SHORT_S * 1000 + 300 - Date.now()))
      const after = await meWith(ctx, server, dev.cred.sid, dev.snapshot)
      check.that(isRejectA(after), `expired snapshot of a revoked session: ${describeRes(after)}`)
      check.note(
        `old cookies: ${during.status} right after logout-all${inWindow ? '' : ' (late)'}, ${after.status} after ${COOKIE_CACHE_SHORT_S} s`,
      )
    },
  },
]
