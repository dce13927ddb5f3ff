import { randomBytes } from 'node:crypto'
import { decodeJwt, isClearing, rawRequest, refresh, request } from '@auth-lab/test'
import { minter } from './mint.js'
import { BOTH_STORES } from './store-probe.js'
import type { AttackCase } from './types.js'
import { describeRes, isRejectB, mustLogin, nowS, sleep } from './util.js'

const FOUR_HUNDRED_DAYS = 400 * 24 * 3600

/** §3.5 Refresh tokens, logout and revocation (stateless app). */
export const refreshCases: AttackCase[] = [
  {
    id: 'T61',
    title: 'Refresh cookie attributes and storage at rest',
    group: 'refresh',
    apps: ['stateless'],
    pace: 'fast',
    stores: BOTH_STORES,
    expected:
      '__Secure-rt; Path=/auth; HttpOnly; Secure; SameSite=Strict; no Domain; Max-Age ≤ family lifetime; ≥128 bits; only its hash in the DB',
    async run(ctx, _t, check) {
      const server = await ctx.server('stateless')
      const v = ctx.victim(server)
      const { res } = await ctx.adapter('stateless').login(server, v.username, v.password)
      const c = res.cookie('__Secure-rt')
      if (
        !check.that(!!c?.value, `no __Secure-rt cookie (${res.setCookies.map((x) => x.name).join(',')})`) ||
        !c
      )
        return
      check.that(c.attrs.get('path') === '/auth', `Path=${c.attrs.get('path')}`)
      check.that(c.attrs.has('httponly'), 'no HttpOnly')
      check.that(c.attrs.has('secure'), 'no Secure')
      check.that(
        String(c.attrs.get('samesite')).toLowerCase() === 'strict',
        `SameSite=${c.attrs.get('samesite')}`,
      )
      check.that(!c.attrs.has('domain'), 'Domain set')
      const maxAge = Number(c.attrs.get('max-age') ?? Number.NaN)
      const absolute = Number(server.env.REFRESH_ABSOLUTE_TTL ?? 2_592_000)
      check.that(
        Number.isFinite(maxAge) && maxAge > 0 && maxAge <= absolute && maxAge <= FOUR_HUNDRED_DAYS,
        `Max-Age ${maxAge}`,
      )
      check.that(!res.text.includes(c.value), 'refresh token in the body')
      check.that(
        Buffer.from(c.value, 'base64url').length >= 16,
        `refresh token carries ${Buffer.from(c.value, 'base64url').length * 8} bits`,
      )
      const stored = await (await ctx.probe(server)).stored(c.value)
      check.that(stored.hashed && !stored.raw, `stored as hash: ${stored.hashed}, raw: ${stored.raw}`)
      check.note(
        `${c.raw.replace(c.value, '<rt>')}; ${Buffer.from(c.value, 'base64url').length * 8} bits; only SHA-256 stored`,
      )
    },
  },
  {
    id: 'T62',
    title: 'Rotation',
    group: 'refresh',
    apps: ['stateless'],
    pace: 'fast',
    stores: BOTH_STORES,
    expected:
      '200 with a new access token (new jti) and RT2 ≠ RT1, no-store; RT1 kept as used in the same family',
    async run(ctx, _t, check) {
      const server = await ctx.server('stateless')
      const v = ctx.victim(server)
      const c1 = await mustLogin(ctx, server, v.username, v.password)
      const { res, cred: c2 } = await refresh(server, c1.refresh)
      check.status('refresh', res, 200)
      check.that(
        res.headers.get('cache-control')?.includes('no-store') === true,
        'no Cache-Control: no-store',
      )
      check.that(!!c2?.refresh && c2.refresh !== c1.refresh, 'refresh token not rotated')
      const j1 = decodeJwt(c1.access ?? '').payload
      const j2 = decodeJwt(c2?.access ?? '..').payload
      check.that(j2.jti !== j1.jti && j2.exp > nowS(), 'access token not fresh')
      if (c2) check.status('/me with the new token', await ctx.adapter('stateless').me(server, c2), 200)
      const probe = await ctx.probe(server)
      check.that(
        (await probe.stored(c1.refresh ?? '')).hashed,
        'RT1 no longer stored (should be kept, marked used)',
      )
      const t1 = await probe.token(c1.refresh ?? '')
      const t2 = await probe.token(c2?.refresh ?? '')
      check.that(
        !!t1?.used && t1.familyId === t2?.familyId && t2?.used === false,
        `store: RT1 ${JSON.stringify(t1)}, RT2 ${JSON.stringify(t2)}`,
      )
      const sessions = (await ctx.adapter('stateless').sessions(server, c2 ?? c1)).json?.sessions ?? []
      check.that(sessions.length === 1, `${sessions.length} families after one rotation`)
      check.note('200, RT2 ≠ RT1, new jti, RT1 kept (used), still one family')
    },
  },
  {
    id: 'T63',
    title: 'Reuse detection revokes the whole family',
    group: 'refresh',
    apps: ['stateless'],
    pace: 'fast',
    stores: BOTH_STORES,
    expected:
      'RT1 again → 401 refresh_token_reused; the newest RT2 → 401 too; other families untouched; a new login works',
    async run(ctx, _t, check) {
      const server = await ctx.server('stateless')
      const v = ctx.victim(server)
      const other = await mustLogin(ctx, server, v.username, v.password)
      const c1 = await mustLogin(ctx, server, v.username, v.password)
      const r = await refresh(server, c1.refresh)
      const reuse = await refresh(server, c1.refresh)
      check.error('RT1 reused', reuse.res, 401, 'refresh_token_reused')
      const newest = await refresh(server, r.cred?.refresh)
      check.that(newest.res.status === 401, `RT2 after reuse: ${describeRes(newest.res)}`)
      const probe = await ctx.probe(server)
      const fam = await probe.family(decodeJwt(c1.access ?? '').payload.sid)
      check.that(!!fam?.revokedAt, `store: the family is not revoked (${JSON.stringify(fam)})`)
      check.that(
        (await probe.family(decodeJwt(other.access ?? '').payload.sid))?.revokedAt === null,
        'store: the other device was revoked',
      )
      const otherRes = await refresh(server, other.refresh)
      check.status("the user's other device", otherRes.res, 200)
      const bob = await refresh(
        server,
        (await mustLogin(ctx, server, 'bob', server.fixtures.users.bob.password)).refresh,
      )
      check.status("bob's family", bob.res, 200)
      check.status(
        'new login',
        (await ctx.adapter('stateless').login(server, v.username, v.password)).res,
        200,
      )
      check.note(
        `reuse → ${describeRes(reuse.res)}; RT2 → ${describeRes(newest.res)}; family revoked (${fam?.reason}); other families 200`,
      )
    },
  },
  {
    id: 'T64',
    title: 'Concurrent refresh race',
    group: 'refresh',
    apps: ['stateless'],
    pace: 'fast',
    stores: BOTH_STORES,
    expected: '20 simultaneous refreshes of one token → exactly one 200, the rest 401; never two live tokens',
    async run(ctx, _t, check) {
      const server = await ctx.server('stateless')
      const v = ctx.victim(server)
      const c = await mustLogin(ctx, server, v.username, v.password)
      const results = await Promise.all(Array.from({ length: 20 }, () => refresh(server, c.refresh)))
      const ok = results.filter((r) => r.res.status === 200)
      const codes = new Map<string, number>()
      for (const r of results) codes.set(describeRes(r.res), (codes.get(describeRes(r.res)) ?? 0) + 1)
      check.that(ok.length === 1, `${ok.length} successes`)
      check.that(
        results.every((r) => r.res.status === 200 || r.res.status === 401),
        `statuses ${[...codes.keys()].join(',')}`,
      )
      const issued = new Set(ok.map((r) => r.cred?.refresh))
      check.that(issued.size <= 1, 'two live refresh tokens')
      const live = await (await ctx.probe(server)).liveTokens(decodeJwt(c.access ?? '').payload.sid)
      check.that(live <= 1, `store: ${live} live refresh tokens in the family`)
      check.note(
        `${[...codes].map(([k, n]) => `${n}× ${k}`).join(', ')}; ${live} live token(s) left in the family`,
      )
    },
  },
  {
    id: 'T65',
    title: 'Refresh-token lifetimes and bad input',
    group: 'refresh',
    apps: ['stateless'],
    pace: 'timer',
    stores: BOTH_STORES,
    expected:
      'refresh past the absolute (7 s) or idle (3 s) limit → 401; random, SQL-shaped, missing cookie → 401; 1 MB cookie → 431; never 500',
    async run(ctx, _t, check) {
      const main = await ctx.server('stateless')
      const before = await ctx.before(main)
      const name = '__Secure-rt'
      const garbage: [string, string | undefined][] = [
        ['random 43 chars', randomBytes(32).toString('base64url')],
        ["' OR 1=1--", "' OR 1=1--"],
        ['no cookie', undefined],
        ['empty', ''],
      ]
      for (const [label, value] of garbage) {
        const r = await refresh(main, value)
        check.that(r.res.status === 401, `${label}: ${describeRes(r.res)}`)
      }
      const big = await rawRequest(
        main.port,
        `POST /auth/refresh HTTP/1.1\r\nHost: 127.0.0.1:${main.port}\r\nCookie: ${name}=${'a'.repeat(1024 * 1024)}\r\nContent-Length: 0\r\n\r\n`,
      )
      // 431 and a close; the close can win the race against reading the status line while we still write (a reset).
      // Either is a refusal; a 5xx or a hang (timeout) is not.
      check.that(
        big.status === 431 || big.status === 413 || big.status === 400 || (big.status === null && big.closed),
        `1 MB cookie: ${big.status ?? (big.closed ? 'connection closed by the server' : 'no answer')}`,
      )
      // Timer cases run side by side and log in on this server too: new rows are theirs; existing ones must not move.
      await ctx.nothingLost(main, before, check, { insertsOnly: true })
      // Lifetimes on the short-timer server: idle 3 s, absolute 7 s.
      const short = await ctx.server('stateless', 'short')
      const idle = Number(short.env.REFRESH_TTL)
      const absolute = Number(short.env.REFRESH_ABSOLUTE_TTL)
      const v1 = ctx.victim(short)
      const v2 = ctx.victim(short)
      const started = Date.now()
      let chain = await mustLogin(ctx, short, v1.username, v1.password)
      const idler = await mustLogin(ctx, short, v2.username, v2.password)
      const log: string[] = []
      let refusedAt = 0
      let idleRes = 0
      while (Date.now() - started < (absolute + 3) * 1000) {
        await sleep(1500)
        const t = (Date.now() - started) / 1000
        if (!idleRes && t > idle + 1) idleRes = (await refresh(short, idler.refresh)).res.status
        const r = await refresh(short, chain.refresh)
        log.push(`${t.toFixed(1)}s:${r.res.status}`)
        if (r.res.status !== 200) {
          refusedAt = t
          check.that(r.res.status === 401, `absolute expiry answer ${describeRes(r.res)}`)
          break
        }
        if (r.cred) chain = r.cred
      }
      check.that(
        refusedAt > idle && refusedAt <= absolute + 2,
        `chain refused at ${refusedAt.toFixed(1)} s (${log.join(' ')})`,
      )
      check.that(idleRes === 401, `idle refresh after ${idle + 1} s: ${idleRes}`)
      check.note(
        `garbage → 401; 1 MB cookie → ${big.status}; idle ${idle} s → ${idleRes}; chain refused at ${refusedAt.toFixed(1)} s (absolute ${absolute} s)`,
      )
    },
  },
  {
    id: 'T66',
    title: 'Logout',
    group: 'refresh',
    apps: ['stateless'],
    pace: 'fast',
    stores: BOTH_STORES,
    expected:
      '204 + clearing cookie; the access token → 401 invalid_token at once (denylist); refresh → 401; second logout 204; expired AT + valid RT still revokes',
    async run(ctx, _t, check) {
      const m = await minter(ctx)
      const server = m.issuer
      const a = ctx.adapter('stateless')
      const v = ctx.victim(server)
      const c = await mustLogin(ctx, server, v.username, v.password)
      const out = await a.logout(server, c)
      check.status('logout', out, [200, 204])
      const cleared = out.cookie('__Secure-rt')
      check.that(!!cleared && isClearing(cleared), `clearing cookie: ${cleared?.raw ?? 'none'}`)
      const me = await a.me(server, c)
      check.that(isRejectB(me), `/me after logout: ${describeRes(me)}`)
      // The deny-list entry outlives the token: kept until at least its exp (gray-box read of the store).
      const at = decodeJwt(c.access ?? '').payload
      const until = await (await ctx.probe(server)).deniedUntil(v.id, at.jti)
      check.that(
        until !== undefined && until >= at.exp * 1000,
        `deny-list entry for the jti: until ${until} (exp ${at.exp})`,
      )
      check.status('refresh after logout', (await refresh(server, c.refresh)).res, 401)
      // Logout with the Bearer token only (no cookie, e.g. another path): the device's family still ends.
      const b = await mustLogin(ctx, server, v.username, v.password)
      check.status(
        'logout with Bearer only',
        await a.send(server, { app: 'stateless', access: b.access }, 'POST', '/auth/logout'),
        204,
      )
      check.status('refresh after a Bearer-only logout', (await refresh(server, b.refresh)).res, 401)
      const again = await a.logout(server, c)
      check.that(again.status === 204 || again.status === 401, `second logout: ${again.status}`)
      const c2 = await mustLogin(ctx, server, v.username, v.password)
      const now = nowS()
      const expiredAt = await m.sign(
        m.fresh({
          sub: String(v.id),
          iat: now - 1000,
          exp: now - 600,
          ver: decodeJwt(c2.access ?? '').payload.ver,
        }),
      )
      const out2 = await a.logout(server, { app: 'stateless', access: expiredAt, refresh: c2.refresh })
      check.status('logout with an expired AT', out2, [200, 204])
      check.status('refresh after that logout', (await refresh(server, c2.refresh)).res, 401)
      // Logout racing refreshes of the same family: whatever the refreshes were handed, nothing of it may live on.
      const c3 = await mustLogin(ctx, server, v.username, v.password)
      const racing = Array.from({ length: 10 }, () => refresh(server, c3.refresh))
      const out3 = a.logout(server, c3)
      const raced = await Promise.all(racing)
      await out3
      const survivors = []
      for (const r of raced) {
        if (r.cred?.refresh && (await refresh(server, r.cred.refresh)).res.status === 200)
          survivors.push('refresh')
        if (r.cred && (await a.me(server, r.cred)).status === 200) survivors.push('access')
      }
      check.that(
        survivors.length === 0,
        `credentials survived a logout that raced refreshes: ${survivors.join(',')}`,
      )
      check.note(
        `204, cookie cleared, AT → ${describeRes(me)}, RT → 401; expired-AT logout still revoked the family; nothing survives a logout racing 10 refreshes`,
      )
    },
  },
  {
    id: 'T68',
    title: 'Logout-all and password change end every token of the user',
    group: 'refresh',
    apps: ['stateless'],
    pace: 'fast',
    stores: BOTH_STORES,
    expected:
      'after logout-all / password change: both access tokens → 401 before exp; both refresh tokens → 401; fresh login works; bob unaffected',
    async run(ctx, _t, check) {
      const server = await ctx.server('stateless')
      const a = ctx.adapter('stateless')
      const before = await ctx.before(server)
      const v = ctx.victim(server)
      const c1 = await mustLogin(ctx, server, v.username, v.password)
      const c2 = await mustLogin(ctx, server, v.username, v.password)
      const probe = await ctx.probe(server)
      const version = () => probe.tokenVersion(v.id)
      const v0 = version()
      check.status('logout-all', await a.logoutAll(server, c1), 204)
      check.that(version() === v0 + 1, `token_version ${v0} → ${version()}`)
      for (const [label, c] of [
        ['AT1', c1],
        ['AT2', c2],
      ] as const) {
        const me = await a.me(server, c)
        check.that(isRejectB(me), `${label} after logout-all: ${describeRes(me)}`)
      }
      for (const [label, c] of [
        ['RT1', c1],
        ['RT2', c2],
      ] as const) {
        check.status(`${label} after logout-all`, (await refresh(server, c.refresh)).res, 401)
      }
      const fresh = await mustLogin(ctx, server, v.username, v.password)
      check.status('fresh login /me', await a.me(server, fresh), 200)
      const w = ctx.victim(server)
      const d1 = await mustLogin(ctx, server, w.username, w.password)
      const d2 = await mustLogin(ctx, server, w.username, w.password)
      const pw = await a.changePassword(server, d1, w.password, 'rotated-password-2026')
      check.status('password change', pw.res, 200)
      const me2 = await a.me(server, d2)
      check.that(isRejectB(me2), `other device's AT after password change: ${describeRes(me2)}`)
      check.status("other device's RT after password change", (await refresh(server, d2.refresh)).res, 401)
      if (pw.cred) check.status('the new pair', await a.me(server, pw.cred), 200)
      await ctx.nothingLost(server, before, check, { allowUsers: [v.id, w.id], allowTables: 'any' })
      check.note(
        'logout-all: AT1/AT2 → 401, RT1/RT2 → 401; password change: other device AT/RT → 401; bob fine',
      )
    },
  },
  {
    id: 'T69',
    title: '/auth/refresh and /auth/logout refuse cross-site requests and consume nothing',
    group: 'refresh',
    apps: ['stateless'],
    pace: 'fast',
    stores: BOTH_STORES,
    expected:
      'evil Origin, Origin null, Sec-Fetch-Site cross-site → 403 csrf; text/plain or form without Origin → 415; no CORS reflection; refresh token not consumed; same-origin refresh → 200',
    async run(ctx, _t, check) {
      const server = await ctx.server('stateless')
      const v = ctx.victim(server)
      const c = await mustLogin(ctx, server, v.username, v.password)
      const before = await ctx.before(server)
      const variants: [string, Record<string, string>][] = [
        ['evil Origin', { origin: 'https://evil.example' }],
        ['Origin null', { origin: 'null' }],
        ['Sec-Fetch-Site cross-site', { 'sec-fetch-site': 'cross-site', origin: '' }],
        ['text/plain + evil Origin', { origin: 'https://evil.example', 'content-type': 'text/plain' }],
        ['text/plain, no Origin', { 'content-type': 'text/plain' }],
        ['form, no Origin', { 'content-type': 'application/x-www-form-urlencoded' }],
      ]
      for (const path of ['/auth/refresh', '/auth/logout']) {
        for (const [label, headers] of variants) {
          const res = await request(server.url, 'POST', path, {
            headers: { ...headers },
            cookies: { '__Secure-rt': c.refresh ?? '' },
            body: headers['content-type'] ? '{}' : undefined,
          })
          // Browser-marked cross-site requests: 403 csrf. Simple bodies without Origin: 415 (JSON or nothing only).
          if (label.includes('no Origin')) check.error(`${path} ${label}`, res, 415, 'unsupported_media_type')
          else check.error(`${path} ${label}`, res, 403, 'csrf')
          check.that(
            !res.headers.get('access-control-allow-origin'),
            `${path} ${label}: ACAO ${res.headers.get('access-control-allow-origin')}`,
          )
          check.that(res.setCookies.length === 0, `${path} ${label}: set a cookie`)
        }
      }
      await ctx.nothingLost(server, before, check)
      const ok = await refresh(server, c.refresh)
      check.status('same-origin refresh afterwards', ok.res, 200)
      check.note(
        '8× 403 csrf, 4× 415 for simple bodies without Origin, no ACAO, family unchanged; same-origin refresh 200',
      )
    },
  },
]
