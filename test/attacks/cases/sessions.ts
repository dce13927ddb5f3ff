import { randomBytes } from 'node:crypto'
import { isClearing, type Res, rawRequest, refresh, request, sameOrigin } from '@auth-lab/test'
import { BOTH_STORES } from './store-probe.js'
import type { AttackCase } from './types.js'
import { describeRes, headerNames, isRejectA, isRejectB, mustLogin, sleep } from './util.js'

const ABSOLUTE_DEFAULT_S = 43_200

/** §3.3 Session management (stateful app), plus the cross-app cases T33 and T36. */
export const sessionCases: AttackCase[] = [
  {
    id: 'T21',
    title: 'Session cookie attributes',
    group: 'session',
    apps: ['stateful'],
    pace: 'fast',
    expected:
      '__Host-sid; Secure; HttpOnly; SameSite=Lax|Strict; Path=/; no Domain; no Max-Age above the absolute timeout; value never in the body',
    async run(ctx, _app, check) {
      const server = await ctx.server('stateful')
      const alice = server.fixtures.users.alice
      const { res } = await ctx.adapter('stateful').login(server, alice.username, alice.password)
      const c = res.cookie('__Host-sid')
      if (!check.that(!!c, `no __Host-sid cookie; got ${res.setCookies.map((x) => x.name).join(',')}`) || !c)
        return
      check.that(c.attrs.has('secure'), 'no Secure')
      check.that(c.attrs.has('httponly'), 'no HttpOnly')
      check.that(
        /^(lax|strict)$/i.test(String(c.attrs.get('samesite'))),
        `SameSite=${c.attrs.get('samesite')}`,
      )
      check.that(c.attrs.get('path') === '/', `Path=${c.attrs.get('path')}`)
      check.that(!c.attrs.has('domain'), 'Domain set')
      const maxAge = c.attrs.get('max-age')
      check.that(maxAge === undefined || Number(maxAge) <= ABSOLUTE_DEFAULT_S, `Max-Age ${maxAge}`)
      check.that(!res.text.includes(c.value), 'session ID in the body')
      check.note(`${c.raw.replace(c.value, '<id>')}`)
    },
  },
  {
    id: 'T22',
    title: 'Session ID randomness and uniqueness',
    group: 'session',
    apps: ['stateful'],
    pace: 'fast',
    expected:
      '200 logins: all IDs unique, ≥128 bits, no shared prefix, bits balanced, nothing user- or time-derived',
    async run(ctx, _app, check) {
      const server = await ctx.server('stateful')
      const a = ctx.adapter('stateful')
      const v = ctx.victim(server)
      const ids: string[] = []
      const N = 200
      for (let i = 0; i < N; i += 10) {
        const batch = await Promise.all(
          Array.from({ length: 10 }, () => a.login(server, v.username, v.password)),
        )
        for (const b of batch) if (b.cred?.sid) ids.push(b.cred.sid)
      }
      check.that(ids.length === N, `only ${ids.length}/${N} logins gave an ID`)
      check.that(new Set(ids).size === ids.length, 'duplicate IDs')
      const bytes = ids.map((id) => Buffer.from(id, 'base64url'))
      const minBits = Math.min(...bytes.map((b) => b.length * 8))
      check.that(minBits >= 128, `IDs carry ${minBits} bits`)
      let ones = 0
      let total = 0
      for (const b of bytes) {
        for (const byte of b) {
          for (let k = 0; k < 8; k++) ones += (byte >> k) & 1
          total += 8
        }
      }
      const ratio = ones / total
      check.that(ratio > 0.47 && ratio < 0.53, `bit balance ${ratio.toFixed(3)}`)
      const prefix2 = new Set(ids.map((id) => id.slice(0, 2)))
      check.that(prefix2.size > N / 4, `IDs share prefixes (${prefix2.size} distinct 2-char prefixes)`)
      check.that(
        !ids.some((id) => id.includes(v.username) || /\d{10}/.test(id)),
        'user- or time-derived parts',
      )
      check.note(`${ids.length} unique IDs, ${minBits} bits each, bit balance ${ratio.toFixed(3)}`)
      await a.logoutAll(server, { app: 'stateful', sid: ids.at(-1) })
    },
  },
  {
    id: 'T23',
    title: 'Session fixation: the ID rotates on login',
    group: 'session',
    apps: ['stateful'],
    pace: 'fast',
    stores: BOTH_STORES,
    expected: 'login with a planted valid S0 issues S1 ≠ S0; /me with S0 → 401, with S1 → 200; no row for S0',
    async run(ctx, _app, check) {
      const server = await ctx.server('stateful')
      const probe = await ctx.probe(server)
      const a = ctx.adapter('stateful')
      const anon = await request(server.url, 'GET', '/me')
      check.that(isRejectA(anon), `/me without cookie: ${describeRes(anon)}`)
      check.note(`anonymous /me sets ${anon.setCookies.length} cookie(s)`)
      // The attacker's own valid session is the S0 they plant (no anonymous session exists to plant).
      const attacker = ctx.victim(server)
      const s0 = (await mustLogin(ctx, server, attacker.username, attacker.password)).sid ?? ''
      const alice = server.fixtures.users.alice
      const res = await request(server.url, 'POST', '/auth/login', {
        headers: sameOrigin(server.origin),
        json: { username: alice.username, password: alice.password },
        cookies: { '__Host-sid': s0 },
      })
      check.status('login with S0', res, 200)
      const s1 = res.cookie('__Host-sid')?.value ?? ''
      check.that(s1 !== '' && s1 !== s0, 'S1 equals S0 (fixation)')
      const meS0 = await a.me(server, { app: 'stateful', sid: s0 })
      check.that(isRejectA(meS0), `/me with S0: ${describeRes(meS0)}`)
      const meS1 = await a.me(server, { app: 'stateful', sid: s1 })
      check.that(
        meS1.status === 200 && meS1.json?.user?.username === 'alice',
        `/me with S1: ${describeRes(meS1)}`,
      )
      // Positive control first: the store keys rows by a hash of the ID that findValue recognises.
      check.that(
        (await probe.stored(s1)).hashed,
        'S1 is not found hashed in the DB (the NL check would be vacuous)',
      )
      const stored = await probe.stored(s0)
      check.that(
        !stored.raw && !stored.hashed,
        `S0 still stored (raw ${stored.raw}, hashed ${stored.hashed})`,
      )
      check.note('S1 ≠ S0; S0 → 401 and its row gone; S1 → 200 alice')
    },
  },
  {
    id: 'T24',
    title: 'Strict mode: an attacker-chosen ID is never adopted',
    group: 'session',
    apps: ['stateful'],
    pace: 'fast',
    stores: BOTH_STORES,
    expected:
      '/me with an invented ID → 401; login with it issues a different ID; the invented value is never stored',
    async run(ctx, _app, check) {
      const server = await ctx.server('stateful')
      const probe = await ctx.probe(server)
      const chosen = 'A'.repeat(43)
      const me = await request(server.url, 'GET', '/me', { cookies: { '__Host-sid': chosen } })
      check.that(isRejectA(me), `/me: ${describeRes(me)}`)
      check.that(!me.setCookies.some((c) => c.value === chosen), 'the invented ID was echoed back')
      const v = ctx.victim(server)
      const login = await request(server.url, 'POST', '/auth/login', {
        headers: sameOrigin(server.origin),
        json: { username: v.username, password: v.password },
        cookies: { '__Host-sid': chosen },
      })
      check.status('login', login, 200)
      const issued = login.cookie('__Host-sid')?.value
      check.that(!!issued && issued !== chosen, 'the invented ID was adopted')
      const stored = await probe.stored(chosen)
      check.that(!stored.raw && !stored.hashed, 'a row exists under the invented ID')
      check.note('invented ID refused, not echoed, not stored; login issued a fresh one')
    },
  },
  {
    id: 'T25',
    title: 'Session ID accepted only from the cookie',
    group: 'session',
    apps: ['stateful'],
    pace: 'fast',
    expected:
      '?sid=, X-Session-Id, Authorization: Bearer, JSON body field → 401 each; the cookie still works',
    async run(ctx, _app, check) {
      const server = await ctx.server('stateful')
      const v = ctx.victim(server)
      const sid = (await mustLogin(ctx, server, v.username, v.password)).sid ?? ''
      const tries: [string, Res][] = [
        ['query ?sid=', await request(server.url, 'GET', `/me?sid=${sid}`)],
        ['query ?__Host-sid=', await request(server.url, 'GET', `/me?__Host-sid=${sid}`)],
        ['X-Session-Id', await request(server.url, 'GET', '/me', { headers: { 'x-session-id': sid } })],
        [
          'Authorization: Bearer',
          await request(server.url, 'GET', '/me', { headers: { authorization: `Bearer ${sid}` } }),
        ],
        [
          'JSON body on logout-all',
          await request(server.url, 'POST', '/auth/logout-all', {
            headers: sameOrigin(server.origin),
            json: { sid, session_id: sid },
          }),
        ],
      ]
      for (const [label, res] of tries) check.that(isRejectA(res), `${label}: ${describeRes(res)}`)
      const me = await ctx.adapter('stateful').me(server, { app: 'stateful', sid })
      check.status('cookie', me, 200)
      check.note(`${tries.length}× 401; cookie → ${me.status}`)
    },
  },
  {
    id: 'T26',
    title: 'Tampered or garbage session cookie',
    group: 'session',
    apps: ['stateful'],
    pace: 'fast',
    stores: BOTH_STORES,
    expected:
      'flipped, truncated, 4 KB, SQL-shaped, non-ASCII, 50 copies, unprefixed name → 401, never 500; the real session untouched',
    async run(ctx, _app, check) {
      const server = await ctx.server('stateful')
      const v = ctx.victim(server)
      const sid = (await mustLogin(ctx, server, v.username, v.password)).sid ?? ''
      const flipped = sid.slice(0, 5) + (sid[5] === 'A' ? 'B' : 'A') + sid.slice(6)
      const cookieHeaders: [string, string][] = [
        ['one char flipped', `__Host-sid=${flipped}`],
        ['truncated', `__Host-sid=${sid.slice(0, sid.length - 4)}`],
        ['4 KB value', `__Host-sid=${'x'.repeat(4096)}`],
        ["' OR 1=1--", `__Host-sid=' OR 1=1--`],
        ['non-ASCII (latin-1 bytes)', `__Host-sid=\u00e9\u00ff${sid.slice(2)}`],
        ['50 copies of garbage', Array.from({ length: 50 }, () => '__Host-sid=garbage').join('; ')],
        ['unprefixed name sid=', `sid=${sid}`],
      ]
      const seen = new Map<string, number>()
      for (const [label, cookie] of cookieHeaders) {
        const res = await request(server.url, 'GET', '/me', { headers: { cookie } })
        check.that(isRejectA(res), `${label}: ${describeRes(res)}`)
        seen.set(describeRes(res), (seen.get(describeRes(res)) ?? 0) + 1)
      }
      const huge = await rawRequest(
        server.port,
        `GET /me HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\nCookie: __Host-sid=${'a'.repeat(1024 * 1024)}\r\n\r\n`,
      )
      // Node answers 431 and closes; while our 1 MB is still being written the close can arrive as a reset before
      // the status line is read. Either is a refusal; what must never happen is a 5xx or a hang (timeout).
      check.that(
        huge.status === 431 ||
          huge.status === 400 ||
          huge.status === 401 ||
          (huge.status === null && huge.closed),
        `1 MB cookie: ${huge.status ?? (huge.closed ? 'connection closed by the server' : 'no answer')}`,
      )
      const copies = await request(server.url, 'GET', '/me', {
        headers: { cookie: Array.from({ length: 50 }, () => `__Host-sid=${sid}`).join('; ') },
      })
      check.that([200, 401].includes(copies.status), `50 copies of the valid cookie: ${copies.status}`)
      const me = await ctx.adapter('stateful').me(server, { app: 'stateful', sid })
      check.status('the real session afterwards', me, 200)
      check.note(
        `${[...seen].map(([k, n]) => `${n}× ${k}`).join(', ')}; 1 MB cookie → ${huge.status}; 50 valid copies → ${copies.status}; real session still 200`,
      )
    },
  },
  {
    id: 'T27',
    title: 'No session-existence oracle; guessing creates nothing',
    group: 'session',
    apps: ['stateful'],
    // `fast`, though it waits one short idle TTL (~4 s): "no rows created" counts every row of the server's DB, which
    // only holds while no other case logs in on that server meanwhile (timer cases run side by side).
    pace: 'fast',
    stores: BOTH_STORES,
    expected:
      'never-issued, expired and logged-out IDs get identical 401s; 500 random IDs → 401, no rows created',
    async run(ctx, _app, check) {
      const server = await ctx.server('stateful', 'short')
      const probe = await ctx.probe(server)
      const a = ctx.adapter('stateful')
      const v1 = ctx.victim(server)
      const v2 = ctx.victim(server)
      const expired = (await mustLogin(ctx, server, v1.username, v1.password)).sid ?? ''
      const loggedOut = await mustLogin(ctx, server, v2.username, v2.password)
      await a.logout(server, loggedOut)
      await sleep(Number(server.env.SESSION_IDLE_TTL) * 1000 + 1200)
      const random = randomBytes(32).toString('base64url')
      const rs = [
        await request(server.url, 'GET', '/me', { cookies: { '__Host-sid': random } }),
        await request(server.url, 'GET', '/me', { cookies: { '__Host-sid': expired } }),
        await request(server.url, 'GET', '/me', { cookies: { '__Host-sid': loggedOut.sid ?? '' } }),
      ]
      check.that(rs.every(isRejectA), `statuses ${rs.map(describeRes).join(', ')}`)
      check.that(new Set(rs.map((r) => r.text)).size === 1, 'bodies differ')
      check.that(new Set(rs.map(headerNames)).size === 1, 'header names differ')
      const counts0 = await probe.counts()
      let non401 = 0
      for (let i = 0; i < 500; i += 25) {
        const batch = await Promise.all(
          Array.from({ length: 25 }, () =>
            request(server.url, 'GET', '/me', {
              cookies: { '__Host-sid': randomBytes(32).toString('base64url') },
            }),
          ),
        )
        non401 += batch.filter((r) => r.status !== 401 && r.status !== 429).length
      }
      check.that(non401 === 0, `${non401} guesses not refused`)
      const counts1 = await probe.counts()
      const grown = Object.keys(counts1).filter((t) => (counts1[t] ?? 0) > (counts0[t] ?? 0))
      check.that(grown.length === 0, `rows created by guesses: ${grown.join(',')}`)
      check.note(
        'random / expired / logged-out identical 401; 500 guesses → 401, 0 rows (no guess throttling: see docs/security.md)',
      )
    },
  },
  {
    id: 'T28',
    title: 'Logout invalidates server-side and clears the cookie',
    group: 'session',
    apps: ['stateful'],
    pace: 'fast',
    stores: BOTH_STORES,
    expected:
      '204; last Set-Cookie clears the cookie (Max-Age=0); /me with the old ID → 401; row deleted, also when the logout races in-flight requests',
    async run(ctx, _app, check) {
      const server = await ctx.server('stateful')
      const probe = await ctx.probe(server)
      const a = ctx.adapter('stateful')
      const v = ctx.victim(server)
      const cred = await mustLogin(ctx, server, v.username, v.password)
      check.that(
        (await probe.stored(cred.sid ?? '')).hashed,
        'the live session is not found hashed in the DB',
      )
      const res = await a.logout(server, cred)
      check.status('logout', res, [200, 204])
      const c = res.cookie('__Host-sid')
      check.that(!!c && c.value === '' && isClearing(c), `clearing cookie: ${c?.raw ?? 'none'}`)
      const me = await a.me(server, cred)
      check.that(isRejectA(me), `/me after logout: ${describeRes(me)}`)
      const stored = await probe.stored(cred.sid ?? '')
      check.that(!stored.raw && !stored.hashed, 'session row still there')
      // Logout racing in-flight requests (hono-sessions' upsert would resurrect the row, libraries.md §1): fire
      // requests on a second session while it logs out; afterwards it must stay dead.
      const racer = await mustLogin(ctx, server, v.username, v.password)
      const inflight = Array.from({ length: 30 }, () => a.me(server, racer))
      const out = a.logout(server, racer)
      await Promise.all([...inflight, out])
      const after = await a.me(server, racer)
      check.that(
        isRejectA(after),
        `session resurrected after a logout raced 30 requests: ${describeRes(after)}`,
      )
      check.that(!(await probe.stored(racer.sid ?? '')).hashed, 'raced session row still there')
      check.note(
        `${res.status}; ${c?.raw.split(';').slice(0, 3).join(';')}; /me → ${me.status}; row gone; logout racing 30 requests stays dead`,
      )
    },
  },
  {
    id: 'T29',
    title: 'Logout is POST-only and refuses cross-site requests',
    group: 'session',
    apps: ['stateful'],
    pace: 'fast',
    expected:
      'GET → 404/405; evil Origin, Origin null, Sec-Fetch-Site cross-site → 403; text/plain or form with no Origin → 415; the session stays valid',
    async run(ctx, _app, check) {
      const server = await ctx.server('stateful')
      const a = ctx.adapter('stateful')
      const v = ctx.victim(server)
      const cred = await mustLogin(ctx, server, v.username, v.password)
      const cookies = { '__Host-sid': cred.sid ?? '' }
      const get = await request(server.url, 'GET', '/auth/logout', { cookies })
      check.that([404, 405].includes(get.status), `GET: ${get.status}`)
      const tries: [string, Record<string, string>][] = [
        ['evil Origin', { origin: 'https://evil.example' }],
        ['Origin null', { origin: 'null' }],
        ['Sec-Fetch-Site cross-site', { 'sec-fetch-site': 'cross-site' }],
        ['text/plain + evil Origin', { origin: 'https://evil.example', 'content-type': 'text/plain' }],
      ]
      for (const [label, headers] of tries) {
        const res = await request(server.url, 'POST', '/auth/logout', {
          headers,
          cookies,
          body: headers['content-type'] ? 'x' : undefined,
        })
        check.error(label, res, 403, 'csrf')
      }
      // (c) a text/plain or form body with neither Origin nor Sec-Fetch-Site: refused as a non-JSON body (415).
      const plain = await request(server.url, 'POST', '/auth/logout', {
        headers: { 'content-type': 'text/plain' },
        cookies,
        body: 'x',
      })
      check.that([403, 415].includes(plain.status), `text/plain, no Origin: ${describeRes(plain)}`)
      const form = await request(server.url, 'POST', '/auth/logout', {
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        cookies,
        body: 'a=1',
      })
      check.that([403, 415].includes(form.status), `form, no Origin: ${describeRes(form)}`)
      const me = await a.me(server, cred)
      check.status('/me afterwards', me, 200)
      check.note(
        `GET ${get.status}; 4× 403 csrf; text/plain ${plain.status}, form ${form.status}; session still valid`,
      )
    },
  },
  {
    id: 'T30',
    title: 'Idle timeout enforced server-side',
    group: 'session',
    apps: ['stateful'],
    pace: 'timer',
    stores: BOTH_STORES,
    expected: 'idle 3 s: a resent cookie after 4 s → 401 (row gone); activity every ~1 s keeps it alive',
    async run(ctx, _app, check) {
      const server = await ctx.server('stateful', 'short')
      const probe = await ctx.probe(server)
      const a = ctx.adapter('stateful')
      const idle = Number(server.env.SESSION_IDLE_TTL)
      const v1 = ctx.victim(server)
      const v2 = ctx.victim(server)
      const idleCred = await mustLogin(ctx, server, v1.username, v1.password)
      const activeCred = await mustLogin(ctx, server, v2.username, v2.password)
      const statuses: number[] = []
      const stepMs = (idle * 1000) / 3
      const steps = Math.ceil(((idle + 1.2) * 1000) / stepMs)
      for (let i = 0; i < steps; i++) {
        await sleep(stepMs)
        statuses.push((await a.me(server, activeCred)).status)
      }
      const idleMe = await a.me(server, idleCred)
      check.that(isRejectA(idleMe), `idle session after ${idle + 1.2} s: ${describeRes(idleMe)}`)
      check.that(
        statuses.every((s) => s === 200),
        `active session statuses ${statuses.join(',')}`,
      )
      const stored = await probe.stored(idleCred.sid ?? '')
      check.note(
        `idle → ${idleMe.status} (row ${stored.hashed ? 'still present until purge' : 'gone'}); active every ${Math.round(stepMs)} ms → ${statuses.join(',')}`,
      )
    },
  },
  {
    id: 'T31',
    title: 'Absolute timeout despite activity',
    group: 'session',
    apps: ['stateful'],
    pace: 'timer',
    stores: BOTH_STORES,
    expected: 'absolute 7 s, idle 3 s: /me every ~1 s → 200 until 7 s, then 401',
    async run(ctx, _app, check) {
      const server = await ctx.server('stateful', 'short')
      const a = ctx.adapter('stateful')
      const absolute = Number(server.env.SESSION_ABSOLUTE_TTL)
      const idle = Number(server.env.SESSION_IDLE_TTL)
      const v = ctx.victim(server)
      const started = Date.now()
      const cred = await mustLogin(ctx, server, v.username, v.password)
      const log: string[] = []
      let lastOk = 0
      let firstRefused = 0
      while (Date.now() - started < (absolute + 2.5) * 1000) {
        await sleep(1000)
        const t = (Date.now() - started) / 1000
        const res = await a.me(server, cred)
        log.push(`${t.toFixed(1)}s:${res.status}`)
        if (res.status === 200) lastOk = t
        else if (!firstRefused) {
          firstRefused = t
          check.that(isRejectA(res), `refusal: ${describeRes(res)}`)
          break
        }
      }
      check.that(
        lastOk > idle,
        `activity did not keep it past the idle window (last 200 at ${lastOk.toFixed(1)} s)`,
      )
      check.that(
        firstRefused > 0 && firstRefused <= absolute + 2,
        `not refused by ${absolute + 2} s: ${log.join(' ')}`,
      )
      check.that(lastOk <= absolute + 1, `still 200 at ${lastOk.toFixed(1)} s`)
      check.note(
        `last 200 at ${lastOk.toFixed(1)} s, 401 at ${firstRefused.toFixed(1)} s (absolute ${absolute} s)`,
      )
    },
  },
  {
    id: 'T32',
    title: 'Cross-site refusal on every state-changing route',
    group: 'session',
    apps: ['stateful', 'stateless'],
    pace: 'fast',
    stores: BOTH_STORES,
    expected:
      'evil Origin, Sec-Fetch-Site cross-site/same-site, Origin null, prefix-trick Origin → 403 csrf; text/plain without Origin → 415; same-origin 2xx; nothing changed',
    async run(ctx, app, check) {
      const server = await ctx.server(app)
      const a = ctx.adapter(app)
      const v = ctx.victim(server)
      const cred = await mustLogin(ctx, server, v.username, v.password)
      const other = await mustLogin(ctx, server, v.username, v.password)
      const list = await a.sessions(server, other)
      const otherId =
        (list.json?.sessions as { id: string; current: boolean }[] | undefined)?.find((s) => s.current)?.id ??
        'x'
      const before = await ctx.before(server)
      const routes: [string, string, unknown][] = [
        ['POST', '/auth/login', { username: v.username, password: v.password }],
        ['POST', '/auth/password', { current_password: v.password, new_password: 'changed-by-csrf-1' }],
        ['POST', '/auth/logout', undefined],
        ['POST', '/auth/logout-all', undefined],
        ['DELETE', `/auth/sessions/${otherId}`, undefined],
      ]
      if (app === 'stateless') routes.push(['POST', '/auth/refresh', undefined])
      const variants: [string, Record<string, string>][] = [
        ['evil Origin', { origin: 'https://evil.example' }],
        ['Sec-Fetch-Site cross-site', { 'sec-fetch-site': 'cross-site' }],
        ['Sec-Fetch-Site same-site', { 'sec-fetch-site': 'same-site' }],
        ['Origin null', { origin: 'null' }],
        ['prefix-trick Origin', { origin: `${server.origin}.evil.example` }],
      ]
      let refused = 0
      for (const [method, path, json] of routes) {
        for (const [label, headers] of variants) {
          const res = await a.send(server, cred, method, path, { headers: { ...headers }, json })
          if (check.error(`${method} ${path} ${label}`, res, 403, 'csrf')) refused++
        }
        // A simple (no-preflight) body with neither Origin nor Sec-Fetch-Site: 415 on every route.
        const res = await a.send(server, cred, method, path, {
          headers: { 'content-type': 'text/plain', origin: '', 'sec-fetch-site': '' },
          body: JSON.stringify(json ?? {}),
        })
        check.that([403, 415].includes(res.status), `${method} ${path} text/plain: ${res.status}`)
      }
      const me = await a.me(server, cred)
      check.status('/me after the refusals', me, 200)
      await ctx.nothingLost(server, before, check)
      // Same-origin controls: each route works when the browser says it is us.
      const del = await a.revoke(server, cred, otherId)
      check.status('same-origin DELETE session', del, 204)
      const pw = await a.changePassword(server, cred, v.password, 'changed-same-origin-1')
      check.status('same-origin password change', pw.res, [200, 204])
      const next = pw.cred ?? cred
      const all = await a.logoutAll(server, next)
      check.status('same-origin logout-all', all, 204)
      const login = await a.login(server, v.username, 'changed-same-origin-1')
      check.status('same-origin login', login.res, 200)
      if (login.cred) check.status('same-origin logout', await a.logout(server, login.cred), 204)
      check.note(
        `${refused}/${routes.length * variants.length} refused 403 csrf; nothing changed; same-origin controls 2xx`,
      )
    },
  },
  {
    id: 'T33',
    title: 'CORS does not reflect untrusted origins with credentials',
    group: 'session',
    apps: ['stateful', 'stateless'],
    pace: 'fast',
    expected: 'no Access-Control-Allow-Origin for evil or null origins (and never * with credentials)',
    async run(ctx, app, check) {
      const server = await ctx.server(app)
      const path = app === 'stateful' ? '/me' : '/auth/refresh'
      const method = app === 'stateful' ? 'GET' : 'POST'
      const seen: string[] = []
      for (const origin of ['https://evil.example', 'null']) {
        for (const m of ['OPTIONS', method]) {
          const res = await request(server.url, m, path, {
            headers: {
              origin,
              'access-control-request-method': method,
              'access-control-request-headers': 'content-type',
            },
          })
          const acao = res.headers.get('access-control-allow-origin')
          const acac = res.headers.get('access-control-allow-credentials')
          check.that(
            acao !== origin && !(acao === '*' && acac === 'true'),
            `${m} ${origin}: ACAO ${acao} ACAC ${acac}`,
          )
          check.that(res.status !== 500, `${m} ${origin}: 500`)
          seen.push(`${m} ${origin === 'null' ? 'null' : 'evil'} ${res.status} ACAO ${acao ?? '-'}`)
        }
      }
      check.note(seen.join('; '))
    },
  },
  {
    id: 'T34',
    title: 'Password change rotates the session ID and ends other sessions',
    group: 'session',
    apps: ['stateful'],
    pace: 'fast',
    stores: BOTH_STORES,
    expected: 'new cookie S3 ≠ S1; S1 and S2 → 401; S3 → 200; new password works, old → 401; one row left',
    async run(ctx, _app, check) {
      const server = await ctx.server('stateful')
      const probe = await ctx.probe(server)
      const a = ctx.adapter('stateful')
      const v = ctx.victim(server)
      const s1 = await mustLogin(ctx, server, v.username, v.password)
      const s2 = await mustLogin(ctx, server, v.username, v.password)
      const next = 'brand-new-pass-2026'
      const { res, cred: s3 } = await a.changePassword(server, s1, v.password, next)
      check.status('password change', res, 204)
      check.that(!!s3?.sid && s3.sid !== s1.sid, 'session ID not rotated')
      check.that(isRejectA(await a.me(server, s1)), 'S1 still valid')
      check.that(isRejectA(await a.me(server, s2)), 'S2 still valid')
      if (s3) check.status('/me with S3', await a.me(server, s3), 200)
      const rows = Object.values(await probe.forUser(v.id)).reduce((x, y) => x + y, 0)
      check.that(rows === 1, `${rows} session rows left for the user`)
      check.error(
        'old password',
        (await a.login(server, v.username, v.password)).res,
        401,
        'invalid_credentials',
      )
      check.status('new password', (await a.login(server, v.username, next)).res, 200)
      check.note('rotated; S1, S2 → 401; S3 → 200; 1 row left; old password 401, new 200')
    },
  },
  {
    id: 'T35',
    title: 'Session listing and revocation of other sessions',
    group: 'session',
    apps: ['stateful', 'stateless'],
    pace: 'fast',
    stores: BOTH_STORES,
    expected:
      "3 logins → 3 entries with opaque handles (never the credential), one current; revoking two ends them; another user's handle → 404",
    async run(ctx, app, check) {
      const server = await ctx.server(app)
      const a = ctx.adapter(app)
      const v = ctx.victim(server)
      const c1 = await mustLogin(ctx, server, v.username, v.password)
      const c2 = await mustLogin(ctx, server, v.username, v.password)
      const c3 = await mustLogin(ctx, server, v.username, v.password)
      const res = await a.sessions(server, c1)
      check.status('list', res, 200)
      check.that(res.headers.get('cache-control')?.includes('no-store') === true, 'listing lacks no-store')
      const sessions = (res.json?.sessions ?? []) as { id: string; current: boolean }[]
      check.that(sessions.length === 3, `${sessions.length} entries`)
      check.that(sessions.filter((s) => s.current).length === 1, 'not exactly one current entry')
      const secrets = [c1, c2, c3]
        .flatMap((c) => [c.sid, c.refresh, c.access])
        .filter((x): x is string => !!x)
      check.that(!secrets.some((s) => res.text.includes(s)), 'a credential appears in the listing')
      for (const s of sessions.filter((x) => !x.current))
        check.status(`revoke ${s.id}`, await a.revoke(server, c1, s.id), 204)
      if (app === 'stateful') {
        check.that(
          isRejectA(await a.me(server, c2)) && isRejectA(await a.me(server, c3)),
          'revoked sessions still work',
        )
      } else {
        const r2 = await refresh(server, c2.refresh)
        const r3 = await refresh(server, c3.refresh)
        check.that(
          r2.res.status === 401 && r3.res.status === 401,
          `revoked families refresh: ${r2.res.status}, ${r3.res.status}`,
        )
        // REVOCATION=denylist (the default): a revoked device's live access token dies with it (sid entry).
        const m2 = await a.me(server, c2)
        check.that(isRejectB(m2), `revoked device's access token: ${describeRes(m2)}`)
      }
      check.status('/me with client 1', await a.me(server, c1), 200)
      const bob = server.fixtures.users.bob
      const bobCred = await mustLogin(ctx, server, bob.username, bob.password)
      const bobList = (await a.sessions(server, bobCred)).json?.sessions as { id: string }[] | undefined
      const bobId = bobList?.[0]?.id
      if (bobId) check.error("revoking bob's handle", await a.revoke(server, c1, bobId), 404, 'not_found')
      check.status("bob's credential afterwards", await a.me(server, bobCred), 200)
      check.error('unknown handle', await a.revoke(server, c1, 'does-not-exist'), 404, 'not_found')
      check.note(`3 opaque entries, 1 current; 2 revoked → refused; bob's handle → 404`)
    },
  },
  {
    id: 'T36',
    title: 'Disabled account',
    group: 'session',
    apps: ['stateful', 'stateless'],
    pace: 'fast',
    stores: BOTH_STORES,
    expected:
      'after users.disabled=1: stateful /me → 401; stateless (REVOCATION=version) /me → 401 invalid_token and refresh → 401',
    async run(ctx, app, check) {
      // The stateless access-token half needs a per-request user read: REVOCATION=version (docs/security.md says
      // why denylist/none accept the token until exp). Refresh is refused in every mode.
      const server = await ctx.server(app, app === 'stateless' ? 'version' : 'main')
      const a = ctx.adapter(app)
      const v = ctx.victim(server)
      const cred = await mustLogin(ctx, server, v.username, v.password)
      ;(await ctx.probe(server)).setDisabled(v.id)
      const me = await a.me(server, cred)
      if (app === 'stateful') {
        check.that(isRejectA(me), `/me: ${describeRes(me)}`)
        check.note(`/me → ${describeRes(me)}`)
      } else {
        check.that(isRejectB(me), `/me with the access token: ${describeRes(me)}`)
        const r = await refresh(server, cred.refresh)
        check.status('refresh', r.res, 401)
        check.note(`/me → ${describeRes(me)}; refresh → ${describeRes(r.res)}`)
      }
      check.error('login', (await a.login(server, v.username, v.password)).res, 401, 'invalid_credentials')
    },
  },
  {
    id: 'T37',
    title: 'No storage growth from anonymous requests',
    group: 'session',
    apps: ['stateful'],
    pace: 'fast',
    stores: BOTH_STORES,
    expected: '1 000 cookie-less GET /me and GET / create no rows',
    async run(ctx, _app, check) {
      const server = await ctx.server('stateful')
      const probe = await ctx.probe(server)
      const counts0 = await probe.counts()
      let statuses = new Map<number, number>()
      for (let i = 0; i < 1000; i += 50) {
        const batch = await Promise.all(
          Array.from({ length: 50 }, (_, k) => request(server.url, 'GET', (i + k) % 2 ? '/me' : '/')),
        )
        for (const r of batch) statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1)
      }
      const counts1 = await probe.counts()
      const grown = Object.keys(counts1).filter((t) => (counts1[t] ?? 0) !== (counts0[t] ?? 0))
      check.that(
        grown.length === 0,
        `rows changed: ${grown.map((t) => `${t} ${counts0[t]}→${counts1[t]}`).join(', ')}`,
      )
      check.that(!statuses.has(500), '500s')
      check.note(`${[...statuses].map(([s, n]) => `${n}× ${s}`).join(', ')}; 0 rows created`)
      statuses = new Map()
    },
  },
]
