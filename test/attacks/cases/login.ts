import { describeTiming, leaks, loginTimingCheck, request, sameOrigin } from '@auth-lab/test'
import { THROTTLE_WINDOW_S } from './profiles.js'
import { BOTH_STORES } from './store-probe.js'
import type { AttackCase } from './types.js'
import { headerNames, loginCounts, sleep } from './util.js'

/** §3.1 Login and credentials (both apps). */
export const loginCases: AttackCase[] = [
  {
    id: 'T01',
    title: 'Login hygiene and caching',
    group: 'login',
    apps: ['stateful', 'stateless'],
    pace: 'fast',
    stores: BOTH_STORES,
    expected:
      '200; no-store on login and /me; JSON; password not echoed; credential only in Set-Cookie/body as designed; one session/family row',
    async run(ctx, app, check) {
      const server = await ctx.server(app)
      const a = ctx.adapter(app)
      const probe = await ctx.probe(server)
      const alice = server.fixtures.users.alice
      const rowsBefore = await probe.forUser(alice.id)
      const { res, cred } = await a.login(server, alice.username, alice.password)
      check.status('login', res, 200)
      check.that(
        res.headers.get('cache-control')?.includes('no-store') === true,
        'login lacks Cache-Control: no-store',
      )
      check.that(
        /^application\/json/.test(res.headers.get('content-type') ?? ''),
        `login content-type ${res.headers.get('content-type')}`,
      )
      check.that(!res.text.includes(alice.password), 'password echoed in the body')
      const cookie = res.cookie(a.cookieName(server))
      check.that(!!cookie?.value, `no ${a.cookieName(server)} cookie`)
      const named = res.setCookies.filter((c) => c.name === a.cookieName(server)).length
      check.that(named === 1, `${named} Set-Cookie headers for ${a.cookieName(server)}`)
      if (cookie?.value) check.that(!res.text.includes(cookie.value), 'cookie value appears in the body')
      if (app === 'stateless') {
        check.that(res.headers.get('pragma') === 'no-cache', 'login lacks Pragma: no-cache')
        check.that(res.json?.token_type === 'Bearer', `token_type ${res.json?.token_type}`)
        const ttl = Number(server.env.ACCESS_TTL ?? 900)
        check.that(
          typeof res.json?.expires_in === 'number' && res.json.expires_in <= ttl,
          `expires_in ${res.json?.expires_in} > ${ttl}`,
        )
        check.that(!('refresh_token' in (res.json ?? {})), 'refresh token in the body')
      }
      if (cred) {
        const me = await a.me(server, cred)
        check.status('/me', me, 200)
        check.that(
          me.headers.get('cache-control')?.includes('no-store') === true,
          '/me lacks Cache-Control: no-store',
        )
      }
      const rowsAfter = await probe.forUser(alice.id)
      const grew = Object.entries(rowsAfter).filter(([t, n]) => n !== (rowsBefore[t] ?? 0))
      check.that(
        grew.length > 0 && grew.every(([t, n]) => n - (rowsBefore[t] ?? 0) === 1),
        `rows for alice: ${JSON.stringify(rowsBefore)} → ${JSON.stringify(rowsAfter)}`,
      )
      check.note(`200, no-store, ${grew.map(([t]) => `+1 ${t}`).join(', ')}`)
    },
  },
  {
    id: 'T02',
    title: 'Generic failure: unknown user, wrong password, disabled user',
    group: 'login',
    apps: ['stateful', 'stateless'],
    pace: 'fast',
    expected:
      'all three 401 invalid_credentials, byte-identical bodies, same header names, no cookie, no rows',
    async run(ctx, app, check) {
      const server = await ctx.server(app)
      const a = ctx.adapter(app)
      const { alice, carol } = server.fixtures.users
      const before = await ctx.before(server)
      const tries = [
        ['wrong password', alice.username, 'not-alices-password'],
        ['unknown user', 'nobody_zz', 'whatever-pass-1'],
        ['disabled user', carol.username, carol.password],
      ] as const
      const results = []
      for (const [label, u, p] of tries) {
        const { res } = await a.login(server, u, p)
        check.error(label, res, 401, 'invalid_credentials')
        check.that(res.setCookies.length === 0, `${label}: set a cookie`)
        results.push(res)
      }
      check.that(new Set(results.map((r) => r.text)).size === 1, 'bodies differ')
      check.that(
        new Set(results.map(headerNames)).size === 1,
        `header names differ: ${results.map(headerNames).join(' | ')}`,
      )
      await ctx.nothingLost(server, before, check)
      check.note('3× 401 invalid_credentials, identical bodies and headers, no rows')
    },
  },
  {
    id: 'T03',
    title: 'Timing-based user enumeration (real argon2 cost)',
    group: 'login',
    apps: ['stateful', 'stateless'],
    pace: 'timing',
    expected:
      '|median(existing) − median(unknown)| < max(25 ms, 20 %) over 30 interleaved attempts each (p90 reported)',
    async run(ctx, app, check) {
      const server = await ctx.server(app, 'timing')
      const samples = await loginTimingCheck(ctx.adapter(app), server, {
        known: 'alice',
        unknown: 'nobody_zz',
        pairs: 30,
      })
      // p90 of 30 samples on a shared 2-core box is dominated by whatever else runs (seen: 66 vs 144 ms at load 12
      // with equal medians), so it is reported, not asserted (docs/security.md, "Attack-suite coverage"). A second
      // sample is taken only if the first misses the median bound (a load burst); a real leak fails both.
      check.that(samples.at(-1)?.ok === true, samples.map(describeTiming).join(' | then '))
      check.note(samples.map(describeTiming).join('; re-measured: '))
    },
  },
  {
    id: 'T04',
    title: 'Brute-force throttling per account, and spraying',
    group: 'login',
    apps: ['stateful', 'stateless'],
    pace: 'timer',
    stores: BOTH_STORES,
    expected:
      '6th wrong attempt 429 + Retry-After; correct password still 429; 200 after the window; name variants share one counter; per-IP limiter engages within 50 names',
    async run(ctx, app, check) {
      const server = await ctx.server(app, 'throttle')
      const a = ctx.adapter(app)
      const v = ctx.victim(server)
      const before = await ctx.before(server)
      const statuses: number[] = []
      let retryAfter: string | null = null
      for (let i = 0; i < 6; i++) {
        const { res } = await a.login(server, v.username, `wrong-${i}-password`)
        statuses.push(res.status)
        if (res.status === 429) retryAfter = res.headers.get('retry-after')
      }
      check.that(
        statuses.slice(0, 5).every((s) => s === 401) && statuses[5] === 429,
        `statuses ${statuses.join(',')}`,
      )
      check.that(
        retryAfter !== null && /^\d+$/.test(retryAfter) && Number(retryAfter) >= 1,
        `Retry-After ${retryAfter}`,
      )
      const locked = await a.login(server, v.username, v.password)
      check.error('correct password while throttled', locked.res, 429, 'too_many_attempts')
      await sleep((Number(retryAfter ?? THROTTLE_WINDOW_S) + 0.5) * 1000)
      const after = await a.login(server, v.username, v.password)
      check.status('after the cool-down', after.res, 200)
      // (e) T15: the counter keys on the normalised name, so case and width variants share one account's budget.
      const w = ctx.victim(server)
      const variants = [
        w.username.toUpperCase(),
        toFullWidth(w.username),
        w.username.toUpperCase(),
        toFullWidth(w.username),
        w.username,
      ]
      const vs: number[] = []
      for (const [i, name] of variants.entries())
        vs.push((await a.login(server, name, `wrong-${i}-password`)).res.status)
      const sixth = await a.login(server, w.username, w.password)
      check.that(
        vs.every((s) => s === 401) && sixth.res.status === 429,
        `variants ${vs.join(',')} then ${sixth.res.status}`,
      )
      // (d) spraying: one wrong attempt for each of many names from one client; the per-IP limit (50) engages.
      // Batches of 5 keep all attempts inside the short window on a loaded box; a batch is checked before its
      // failures are recorded, so the limit may show up to 4 names late.
      let firstBlocked = -1
      for (let i = 0; i < 60 && firstBlocked < 0; i += 5) {
        const batch = await Promise.all(
          Array.from({ length: 5 }, (_, k) =>
            a.login(server, `spray${String(i + k).padStart(3, '0')}`, 'spray-password'),
          ),
        )
        const k = batch.findIndex((b) => b.res.status === 429)
        if (k >= 0) firstBlocked = i + k
      }
      check.that(
        firstBlocked >= 0 && firstBlocked <= 55,
        `per-IP limit did not engage within 55 names (${firstBlocked})`,
      )
      await ctx.nothingLost(server, before, check, { allowTables: 'any' })
      check.note(
        `401×5 then 429 (Retry-After ${retryAfter}); correct pw 429 while locked; 200 after ${retryAfter}s; ` +
          `5 failures as upper-case/full-width variants lock the account (${sixth.res.status}); IP limit at name #${firstBlocked + 1}`,
      )
    },
  },
  {
    id: 'T05',
    title: 'Throttle bypass through spoofed client-IP headers',
    group: 'login',
    apps: ['stateful', 'stateless'],
    pace: 'fast',
    stores: BOTH_STORES,
    expected:
      'still 429 at the 6th attempt although every attempt claims another X-Forwarded-For / X-Real-IP / Forwarded',
    async run(ctx, app, check) {
      const server = await ctx.server(app, 'throttle-xff')
      const a = ctx.adapter(app)
      const v = ctx.victim(server)
      const statuses: number[] = []
      for (let i = 0; i < 6; i++) {
        const ip = `203.0.113.${i + 1}`
        const { res } = await a.login(server, v.username, `wrong-${i}-password`, {
          headers: {
            ...sameOrigin(server.origin),
            'x-forwarded-for': ip,
            'x-real-ip': ip,
            forwarded: `for=${ip}`,
          },
        })
        statuses.push(res.status)
      }
      check.that(statuses[5] === 429, `statuses ${statuses.join(',')}`)
      check.note(`statuses ${statuses.join(',')} with 6 different spoofed client addresses`)
    },
  },
  {
    id: 'T06',
    title: 'The password is verified exactly (no truncation, no case folding)',
    group: 'login',
    apps: ['stateful', 'stateless'],
    pace: 'fast',
    expected: '80-byte P[0:72]+XXXXXXXX → 401; upper(P) → 401; P → 200; 64-char password → 200',
    async run(ctx, app, check) {
      const server = await ctx.server(app)
      const a = ctx.adapter(app)
      const { long, dave } = server.fixtures.users
      const p = long.password
      const r1 = await a.login(server, long.username, `${p.slice(0, 72)}XXXXXXXX`)
      check.error('truncated at 72 + junk', r1.res, 401, 'invalid_credentials')
      const r2 = await a.login(server, long.username, p.toUpperCase())
      check.error('upper-cased', r2.res, 401, 'invalid_credentials')
      const r3 = await a.login(server, long.username, p)
      check.status('exact 80-byte password', r3.res, 200)
      const r4 = await a.login(server, dave.username, dave.password)
      check.status('64-char password', r4.res, 200)
      check.note(`${r1.res.status}, ${r2.res.status}, ${r3.res.status}, ${r4.res.status}`)
    },
  },
  {
    id: 'T07',
    title: 'Oversized credentials (hash-cost DoS)',
    group: 'login',
    apps: ['stateful', 'stateless'],
    pace: 'fast',
    expected: '10 KB / 1 MB password and 10 KB username → 400/413 in < 1 s, no hash computed',
    async run(ctx, app, check) {
      const server = await ctx.server(app)
      const a = ctx.adapter(app)
      const before = await ctx.before(server)
      const counts0 = await loginCounts(server)
      const variants = [
        ['10 KB password', 'alice', 'p'.repeat(10 * 1024)],
        ['1 MB password', 'alice', 'p'.repeat(1024 * 1024)],
        ['10 KB username', 'a'.repeat(10 * 1024), 'whatever-pass-1'],
      ] as const
      const seen: string[] = []
      for (const [label, u, p] of variants) {
        const { res } = await a.login(server, u, p)
        check.that([400, 413].includes(res.status), `${label}: ${res.status}`)
        check.that(res.ms < 1000, `${label}: ${Math.round(res.ms)} ms`)
        seen.push(`${label} ${res.status} in ${Math.round(res.ms)} ms`)
      }
      const counts1 = await loginCounts(server)
      const hashed = (c: Record<string, number>) =>
        (c.invalid_credentials ?? 0) + (c.success ?? 0) + (c.throttled ?? 0)
      check.that(
        hashed(counts1) === hashed(counts0),
        `a password was hashed: ${JSON.stringify(counts0)} → ${JSON.stringify(counts1)}`,
      )
      await ctx.nothingLost(server, before, check)
      check.note(`${seen.join('; ')}; no argon2 verify (login metrics)`)
    },
  },
  {
    id: 'T08',
    title: 'Login CSRF',
    group: 'login',
    apps: ['stateful', 'stateless'],
    pace: 'fast',
    expected:
      'evil Origin → 403 csrf; text/plain → 415; Sec-Fetch-Site cross-site form → 403; no cookie, no rows',
    async run(ctx, app, check) {
      const server = await ctx.server(app)
      const alice = server.fixtures.users.alice
      const before = await ctx.before(server)
      const body = JSON.stringify({ username: alice.username, password: alice.password })
      const a1 = await request(server.url, 'POST', '/auth/login', {
        headers: { origin: 'https://evil.example', 'content-type': 'application/json' },
        body,
      })
      check.error('(a) evil Origin', a1, 403, 'csrf')
      const a2 = await request(server.url, 'POST', '/auth/login', {
        headers: { 'content-type': 'text/plain' },
        body,
      })
      check.that([403, 415].includes(a2.status), `(b) text/plain: ${a2.status}`)
      const a3 = await request(server.url, 'POST', '/auth/login', {
        headers: { 'sec-fetch-site': 'cross-site', 'content-type': 'application/x-www-form-urlencoded' },
        body: `username=${alice.username}&password=${alice.password}`,
      })
      check.error('(c) cross-site form', a3, 403, 'csrf')
      for (const r of [a1, a2, a3])
        check.that(r.setCookies.length === 0 && !r.text.includes('access_token'), 'credential issued')
      await ctx.nothingLost(server, before, check)
      check.note(`${a1.status}, ${a2.status}, ${a3.status}; nothing issued`)
    },
  },
  {
    id: 'T09',
    title: 'Credentials never accepted via the URL',
    group: 'login',
    apps: ['stateful', 'stateless'],
    pace: 'fast',
    expected:
      'GET with credentials in the query → 404/405; POST with query and empty body → 400/415; not authenticated',
    async run(ctx, app, check) {
      const server = await ctx.server(app)
      const alice = server.fixtures.users.alice
      const before = await ctx.before(server)
      const q = `?username=${alice.username}&password=${encodeURIComponent(alice.password)}`
      const r1 = await request(server.url, 'GET', `/auth/login${q}`)
      check.that([404, 405].includes(r1.status), `GET: ${r1.status}`)
      const r2 = await request(server.url, 'POST', `/auth/login${q}`, { headers: sameOrigin(server.origin) })
      check.that([400, 415].includes(r2.status), `POST empty body: ${r2.status}`)
      const r3 = await request(server.url, 'POST', `/auth/login${q}`, {
        headers: { ...sameOrigin(server.origin), 'content-type': 'application/json' },
        body: '{}',
      })
      check.error('POST {} + query', r3, 400, 'invalid_request')
      for (const r of [r1, r2, r3]) {
        check.that(r.setCookies.length === 0, 'a cookie was set')
        check.that(!leaks(r.text), 'leak in body')
      }
      await ctx.nothingLost(server, before, check)
      check.note(`GET ${r1.status}, POST ${r2.status}, POST {} ${r3.status}`)
    },
  },
]

/** ASCII letters and digits to their full-width forms (NFKC folds them back). */
function toFullWidth(s: string): string {
  return [...s].map((ch) => (/[!-~]/.test(ch) ? String.fromCharCode(ch.charCodeAt(0) + 0xfee0) : ch)).join('')
}
