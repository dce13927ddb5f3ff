import { createPublicKey, randomBytes } from 'node:crypto'
import {
  attackerKey,
  b64u,
  decodeJwt,
  handToken,
  hmacSigner,
  joseSign,
  readKeyFile,
  refresh,
  request,
  selfSignedX5c,
  startExpectingFailure,
  startSink,
} from '@auth-lab/test'
import { exportSPKI, generateKeyPair, importJWK, type JWK, SignJWT } from 'jose'
import { minter } from './mint.js'
import { JWT_ALG_OF, TEST_SECRET_BYTES } from './profiles.js'
import type { AttackCase, CaseContext, Check, Profile, Target } from './types.js'
import { describeRes, nowS, probeTokens, sleep } from './util.js'

/** Runs `variants` for a profile against the target and checks NL on the issuer when the target is the real app. */
async function probeProfile(
  ctx: CaseContext,
  target: Target,
  check: Check,
  profile: Profile,
  build: (m: Awaited<ReturnType<typeof minter>>) => Promise<{ label: string; token: string }[]>,
): Promise<void> {
  const m = await minter(ctx, profile)
  const url = await ctx.verifierUrl(target, profile)
  const before = target === 'stateless' ? await ctx.before(m.issuer) : undefined
  // Control: a token minted the same way but left intact is accepted, so every refusal below is the attack's doing.
  const control = await request(url, 'GET', '/me', {
    headers: { authorization: `Bearer ${await m.sign(m.fresh())}` },
  })
  check.that(
    control.status === 200,
    `${profile}: control token refused (${describeRes(control)}); the minter is broken`,
  )
  const variants = await build(m)
  const prefix = profile === 'main' ? '' : `${profile}: `
  await probeTokens(
    check,
    target,
    url,
    variants.map((v) => ({ ...v, label: `${prefix}${v.label}` })),
    prefix,
  )
  // Short timers: purges may run during the sleep, so only users/health/bob are checked there.
  if (before)
    await ctx.nothingLost(m.issuer, before, check, profile === 'short' ? { allowTables: 'any' } : {})
}

/** §3.4 JWT access-token validation (stateless app; the naive verifier runs the same tokens for contrast). */
export const jwtCases: AttackCase[] = [
  {
    id: 'T38',
    title: 'Bearer semantics and WWW-Authenticate',
    group: 'jwt',
    apps: ['stateless'],
    pace: 'fast',
    expected:
      'none → 401 Bearer realm without error; malformed → 400 invalid_request (Basic: 400 or 401 without error); lower-case scheme → 200',
    async run(ctx, _t, check) {
      const m = await minter(ctx)
      const url = m.issuer.url
      const none = await request(url, 'GET', '/me')
      const www = none.headers.get('www-authenticate') ?? ''
      check.that(
        none.status === 401 && /^Bearer\b/.test(www) && /realm="/.test(www) && !/error=/.test(www),
        `no token: ${none.status} ${www}`,
      )
      for (const h of ['Bearer', 'Bearer ', 'Bearer a b']) {
        const res = await request(url, 'GET', '/me', { headers: { authorization: h } })
        check.that(
          res.status === 400 &&
            res.json?.error === 'invalid_request' &&
            /error="invalid_request"/.test(res.headers.get('www-authenticate') ?? 'error="invalid_request"'),
          `${JSON.stringify(h)}: ${describeRes(res)}`,
        )
      }
      const basic = await request(url, 'GET', '/me', { headers: { authorization: 'Basic dXNlcjpwdw==' } })
      const bw = basic.headers.get('www-authenticate') ?? ''
      check.that(
        basic.status === 400 || (basic.status === 401 && !/error=/.test(bw)),
        `Basic: ${describeRes(basic)} ${bw}`,
      )
      const lower = await request(url, 'GET', '/me', {
        headers: { authorization: `bearer ${m.cred.access}` },
      })
      check.status('lower-case scheme', lower, 200)
      const ok = await request(url, 'GET', '/me', { headers: { authorization: `Bearer ${m.cred.access}` } })
      check.status('valid token', ok, 200)
      check.note(`no token 401 (${www}); malformed 400; Basic ${basic.status}; "bearer" ${lower.status}`)
    },
  },
  {
    id: 'T39',
    title: 'Token accepted only from the Authorization header',
    group: 'jwt',
    apps: ['stateless'],
    pace: 'fast',
    expected:
      'query ?access_token=, form body, cookie → 401; header + query → 400 invalid_request or 200 (query ignored)',
    async run(ctx, _t, check) {
      const m = await minter(ctx)
      const url = m.issuer.url
      const at = m.cred.access ?? ''
      const q = await request(url, 'GET', `/me?access_token=${at}`)
      check.status('query', q, 401)
      const form = await request(url, 'POST', '/auth/logout-all', {
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: `access_token=${at}`,
      })
      check.that([401, 415].includes(form.status), `form body: ${describeRes(form)}`)
      const cookie = await request(url, 'GET', '/me', { cookies: { access_token: at } })
      check.status('cookie', cookie, 401)
      const both = await request(url, 'GET', `/me?access_token=${at}`, {
        headers: { authorization: `Bearer ${at}` },
      })
      check.that(both.status === 400 || both.status === 200, `header + query: ${describeRes(both)}`)
      check.status(
        'the token in the header still works',
        await request(url, 'GET', '/me', { headers: { authorization: `Bearer ${at}` } }),
        200,
      )
      check.note(
        `query ${q.status}, form ${form.status}, cookie ${cookie.status}, header+query ${both.status}${both.status === 200 ? ' (query ignored)' : ''}`,
      )
    },
  },
  {
    id: 'T40',
    title: 'Signature integrity',
    group: 'jwt',
    verifier: true,
    pace: 'fast',
    expected: 'edited payload (sub → bob), edited header, cut signature, foreign secret → 401 invalid_token',
    async run(ctx, target, check) {
      await probeProfile(ctx, target, check, 'main', async (m) => {
        const [h, p, s] = decodeJwt(m.cred.access ?? '').parts
        const bobId = m.issuer.fixtures.users.bob.id
        const payload = { ...m.claims, sub: String(bobId) }
        const header = { ...m.header, x: 1 }
        const foreign = await new SignJWT(m.fresh())
          .setProtectedHeader(m.header as { alg: string })
          .sign(randomBytes(32))
        return [
          { label: 'payload sub → bob, signature kept', token: `${h}.${b64u(payload)}.${s}` },
          { label: 'header member added, signature kept', token: `${b64u(header)}.${p}.${s}` },
          { label: 'last 4 signature chars dropped', token: `${h}.${p}.${s.slice(0, -4)}` },
          { label: 'signed with another 32-byte secret', token: foreign },
          // A size limit, not a forgery: only for the real app (the naive verifier has no limit, rightly no C11 point).
          ...(target === 'stateless'
            ? [
                {
                  label: '8 KB token (padded claim, validly signed)',
                  token: await m.sign(m.fresh({ pad: 'x'.repeat(8 * 1024) })),
                },
              ]
            : []),
        ]
      })
    },
  },
  {
    id: 'T41',
    title: 'The alg none family',
    group: 'jwt',
    verifier: true,
    pace: 'fast',
    expected:
      'none/None/NONE/nOnE with empty or original signature, alg "" / missing / null / ["HS256"] → 401 invalid_token, never 500',
    async run(ctx, target, check) {
      await probeProfile(ctx, target, check, 'main', async (m) => {
        const [, , sig] = decodeJwt(m.cred.access ?? '').parts
        const payload = m.fresh()
        const out: { label: string; token: string }[] = []
        for (const alg of ['none', 'None', 'NONE', 'nOnE']) {
          const header = { ...m.header, alg }
          out.push({ label: `${alg} (h.p.)`, token: handToken(header, payload) })
          out.push({ label: `${alg} + original sig`, token: `${b64u(header)}.${b64u(payload)}.${sig}` })
        }
        const hs = hmacSigner('sha256', TEST_SECRET_BYTES)
        const { alg: _a, ...noAlg } = m.header
        out.push({ label: 'alg "" (HS256-signed)', token: handToken({ ...m.header, alg: '' }, payload, hs) })
        out.push({ label: 'alg missing (HS256-signed)', token: handToken(noAlg, payload, hs) })
        out.push({
          label: 'alg null (HS256-signed)',
          token: handToken({ ...m.header, alg: null }, payload, hs),
        })
        out.push({
          label: 'alg ["HS256"] (HS256-signed)',
          token: handToken({ ...m.header, alg: ['HS256'] }, payload, hs),
        })
        return out
      })
    },
  },
  {
    id: 'R-J8',
    title: 'Token format and header parameters (R-J3, R-J8, R-J10; no catalogue number)',
    group: 'jwt',
    verifier: true,
    pace: 'fast',
    expected:
      'unknown crit, b64:false, a JWE-shaped token, invalid UTF-8 in the payload, path/SQL-shaped kid → 401; duplicate claim names → 401 or last-wins consistently',
    async run(ctx, target, check) {
      const m = await minter(ctx)
      const url = await ctx.verifierUrl(target)
      const hs = hmacSigner('sha256', TEST_SECRET_BYTES)
      const payload = m.fresh()
      const h = { ...m.header }
      const rawPayload = JSON.stringify(payload)
      const unencodedHeader = b64u({ ...h, b64: false, crit: ['b64'] })
      const badUtf8 = Buffer.concat([
        Buffer.from(rawPayload.slice(0, -1)),
        Buffer.from(',"x":"'),
        Buffer.from([0xff, 0xfe]),
        Buffer.from('"}'),
      ])
      const badUtf8Input = `${b64u(h)}.${badUtf8.toString('base64url')}`
      await probeTokens(check, target, url, [
        { label: 'crit ["exp"] (HS256-signed)', token: handToken({ ...h, crit: ['exp'] }, payload, hs) },
        {
          label: 'crit ["x-custom"] + x-custom',
          token: handToken({ ...h, crit: ['x-custom'], 'x-custom': 1 }, payload, hs),
        },
        {
          label: 'b64:false, unencoded payload',
          token: `${unencodedHeader}.${Buffer.from(rawPayload).toString('base64url')}.${Buffer.from(hs(`${unencodedHeader}.${rawPayload}`)).toString('base64url')}`,
        },
        {
          label: 'JWE-shaped (5 segments)',
          token: `${b64u({ alg: 'dir', enc: 'A256GCM', kid: h.kid })}..${b64u('iv')}.${b64u('ct')}.${b64u('tag')}`,
        },
        {
          label: 'invalid UTF-8 in the payload',
          token: `${badUtf8Input}.${Buffer.from(hs(badUtf8Input)).toString('base64url')}`,
        },
        { label: 'kid ../../etc/passwd', token: handToken({ ...h, kid: '../../etc/passwd' }, payload, hs) },
        { label: "kid ' OR 1=1--", token: handToken({ ...h, kid: "' OR 1=1--" }, payload, hs) },
      ])
      // R-J10: duplicate member names are refused, or resolved last-wins by the one JSON parser used everywhere.
      const bob = m.issuer.fixtures.users.bob
      const dupJson = `${rawPayload.slice(0, -1)},"sub":"${bob.id}","preferred_username":"bob"}`
      const dup = await request(url, 'GET', '/me', {
        headers: { authorization: `Bearer ${handToken(h, dupJson, hs)}` },
      })
      if (target === 'stateless') {
        check.that(
          dup.status === 401 || (dup.status === 200 && dup.json?.user?.id === bob.id),
          `duplicate sub: ${describeRes(dup)} user ${dup.json?.user?.id}`,
        )
      } else if (dup.status === 200) check.accepted.push('duplicate sub (last wins)')
      check.note(
        `duplicate "sub" → ${dup.status}${dup.status === 200 ? ` as user ${dup.json?.user?.id ?? dup.json?.claims?.sub} (last wins)` : ''}`,
      )
    },
  },
  {
    id: 'T43',
    title: 'Algorithm allowlist within a family',
    group: 'jwt',
    verifier: true,
    pace: 'fast',
    expected:
      'HS384/HS512 with the real secret; PS256/RS512 with the real RSA key; ES384 → 401 invalid_token',
    async run(ctx, target, check) {
      await probeProfile(ctx, target, check, 'main', async (m) => [
        { label: 'HS384 with the real secret', token: await m.sign(m.fresh(), { alg: 'HS384' }) },
        { label: 'HS512 with the real secret', token: await m.sign(m.fresh(), { alg: 'HS512' }) },
      ])
      await probeProfile(ctx, target, check, 'rs256', async (m) => {
        const entry = readKeyFile(m.issuer.keysDir, 'RS256').keys.find((k) => k.kid === m.kid)
        const {
          alg: _alg,
          key_ops: _ops,
          use: _use,
          ...jwk
        } = (entry?.privateJwk ?? {}) as JWK & { key_ops?: unknown }
        const out: { label: string; token: string }[] = []
        for (const alg of ['PS256', 'RS512']) {
          const key = await importJWK(jwk, alg)
          out.push({
            label: `${alg} with the real RSA key`,
            token: await joseSign(key, { ...m.header, alg }, m.fresh()),
          })
        }
        return out
      })
      await probeProfile(ctx, target, check, 'es256', async (m) => {
        const { privateKey } = await generateKeyPair('ES384')
        return [
          {
            label: 'ES384 (P-384 key)',
            token: await joseSign(privateKey, { ...m.header, alg: 'ES384' }, m.fresh()),
          },
        ]
      })
    },
  },
  {
    id: 'T44',
    title: 'Key confusion: RS256/ES256/EdDSA public key used as an HS256 secret',
    group: 'jwt',
    verifier: true,
    pace: 'fast',
    expected:
      'HS256 tokens keyed with the public key as PEM, PEM without newline, DER, JWK JSON, raw bytes → 401, not 500',
    async run(ctx, target, check) {
      for (const profile of ['rs256', 'es256', 'eddsa'] as const) {
        await probeProfile(ctx, target, check, profile, async (m) => {
          const jwks = await request(m.issuer.url, 'GET', '/.well-known/jwks.json')
          const jwk = (jwks.json?.keys ?? []).find((k: JWK) => k.kid === m.kid) ?? jwks.json?.keys?.[0]
          if (!jwk) throw new Error(`${profile}: JWKS is empty`)
          const pub = await importJWK(jwk, JWT_ALG_OF[profile], { extractable: true })
          if (pub instanceof Uint8Array) throw new Error('symmetric key in JWKS')
          const pem = await exportSPKI(pub)
          const der = createPublicKey(pem).export({ type: 'spki', format: 'der' })
          const raw =
            jwk.kty === 'EC'
              ? Buffer.concat([Buffer.from(jwk.x, 'base64url'), Buffer.from(jwk.y, 'base64url')])
              : jwk.kty === 'OKP'
                ? Buffer.from(jwk.x, 'base64url')
                : Buffer.from(jwk.n, 'base64url')
          const secrets: [string, Uint8Array | string][] = [
            ['PEM', pem],
            ['PEM without trailing newline', pem.replace(/\n$/, '')],
            ['PEM with trailing newline', pem.endsWith('\n') ? pem : `${pem}\n`],
            ['DER', der],
            ['JWK JSON', JSON.stringify(jwk)],
            ['raw key bytes', raw],
          ]
          const payload = m.fresh({ sub: String(m.issuer.fixtures.users.bob.id) })
          return secrets.map(([label, secret]) => ({
            label: `HS256 keyed with ${label}`,
            token: handToken({ ...m.header, alg: 'HS256' }, payload, hmacSigner('sha256', secret)),
          }))
        })
      }
    },
  },
  {
    id: 'T45',
    title: 'Asymmetric token sent to the HS256 app',
    group: 'jwt',
    verifier: true,
    pace: 'fast',
    expected: 'RS256, ES256, EdDSA tokens signed with attacker keys → 401, not 500',
    async run(ctx, target, check) {
      await probeProfile(ctx, target, check, 'main', async (m) => {
        const out: { label: string; token: string }[] = []
        for (const alg of ['RS256', 'ES256', 'EdDSA'] as const) {
          const k = await attackerKey(alg)
          out.push({
            label: `${alg} (attacker key)`,
            token: await joseSign(k.privateKey, { ...m.header, alg }, m.fresh()),
          })
        }
        return out
      })
    },
  },
  {
    id: 'T46',
    title: 'Embedded key material (jwk, x5c)',
    group: 'jwt',
    verifier: true,
    pace: 'fast',
    expected: 'attacker key in header jwk / x5c (RS256, ES256, EdDSA), in HS256 and RS256 mode → 401',
    async run(ctx, target, check) {
      const rsa = await attackerKey('RS256')
      const ec = await attackerKey('ES256')
      const ed = await attackerKey('EdDSA')
      const cert = selfSignedX5c(rsa.privatePem)
      for (const profile of ['main', 'rs256'] as const) {
        await probeProfile(ctx, target, check, profile, async (m) => {
          const p = m.fresh({ sub: String(m.issuer.fixtures.users.bob.id) })
          return [
            {
              label: 'RS256 + jwk',
              token: await joseSign(rsa.privateKey, { ...m.header, alg: 'RS256', jwk: rsa.publicJwk }, p),
            },
            {
              label: `RS256 + x5c${cert.real ? '' : ' (fake cert)'}`,
              token: await joseSign(rsa.privateKey, { ...m.header, alg: 'RS256', x5c: [cert.x5c] }, p),
            },
            {
              label: 'ES256 + jwk',
              token: await joseSign(ec.privateKey, { ...m.header, alg: 'ES256', jwk: ec.publicJwk }, p),
            },
            {
              label: 'EdDSA + jwk',
              token: await joseSign(ed.privateKey, { ...m.header, alg: 'EdDSA', jwk: ed.publicJwk }, p),
            },
          ]
        })
      }
    },
  },
  {
    id: 'T47',
    title: 'jku / x5u injection (SSRF)',
    group: 'jwt',
    verifier: true,
    pace: 'fast',
    expected: 'tokens whose jku/x5u point at a local listener → 401, and the listener receives nothing',
    async run(ctx, target, check) {
      const sink = await startSink()
      try {
        const k = await attackerKey('RS256')
        sink.serve({ keys: [{ ...k.publicJwk, kid: 'attacker-kid', alg: 'RS256', use: 'sig' }] })
        for (const profile of ['main', 'rs256'] as const) {
          await probeProfile(ctx, target, check, profile, async (m) => {
            const p = m.fresh({ sub: String(m.issuer.fixtures.users.bob.id) })
            const h = { ...m.header, alg: 'RS256', kid: 'attacker-kid' }
            return [
              {
                label: 'jku → listener',
                token: await joseSign(k.privateKey, { ...h, jku: `${sink.url}/jwks.json` }, p),
              },
              {
                label: 'x5u → listener',
                token: await joseSign(k.privateKey, { ...h, x5u: `${sink.url}/cert.pem` }, p),
              },
            ]
          })
        }
        await sleep(500)
        if (target === 'naive') check.note(`listener received ${sink.hits.length} request(s)`)
        else {
          check.that(sink.hits.length === 0, `listener received ${sink.hits.length} request(s)`)
          check.note('listener received 0 requests')
        }
      } finally {
        await sink.close()
      }
    },
  },
  {
    id: 'T49',
    title: 'Expired token and leeway',
    group: 'jwt',
    verifier: true,
    pace: 'timer',
    expected:
      'exp = now − (leeway + 5 s), exp = now − 10 min, exp = now with leeway 0, a real token replayed after TTL + 1 s → 401',
    async run(ctx, target, check) {
      await probeProfile(ctx, target, check, 'main', async (m) => {
        const leeway = Number(m.issuer.env.CLOCK_TOLERANCE ?? 5)
        const now = nowS()
        return [
          {
            label: `exp = now − ${leeway + 5} s`,
            token: await m.sign(m.fresh({ iat: now - 60, exp: now - leeway - 5 })),
          },
          { label: 'exp = now − 10 min', token: await m.sign(m.fresh({ iat: now - 900, exp: now - 600 })) },
        ]
      })
      await probeProfile(ctx, target, check, 'short', async (m) => {
        const ttl = Number(m.issuer.env.ACCESS_TTL)
        const now = nowS()
        const atNow = await m.sign(m.fresh({ iat: now - 1, exp: now }))
        await sleep((ttl + 1.2) * 1000)
        return [
          { label: 'exp = now (leeway 0)', token: atNow },
          { label: `real token replayed after ${ttl}+1 s`, token: m.cred.access ?? '' },
        ]
      })
    },
  },
  {
    id: 'T50',
    title: 'Not yet valid (nbf)',
    group: 'jwt',
    verifier: true,
    pace: 'fast',
    expected: 'nbf = now + leeway + 60 s → 401; nbf = now → 200',
    async run(ctx, target, check) {
      const m = await minter(ctx)
      const url = await ctx.verifierUrl(target)
      const now = nowS()
      await probeTokens(check, target, url, [
        { label: 'nbf = now + 65 s', token: await m.sign(m.fresh({ nbf: now + 65 })) },
      ])
      const ok = await request(url, 'GET', '/me', {
        headers: { authorization: `Bearer ${await m.sign(m.fresh({ nbf: now }))}` },
      })
      if (target === 'stateless') check.status('nbf = now', ok, 200)
      check.note(`nbf = now → ${ok.status}`)
    },
  },
  {
    id: 'T51',
    title: 'Required claims present',
    group: 'jwt',
    verifier: true,
    pace: 'fast',
    expected: 'otherwise valid tokens lacking exp, sub, jti, iat, iss or aud → 401 each',
    async run(ctx, target, check) {
      await probeProfile(ctx, target, check, 'main', async (m) =>
        Promise.all(
          ['exp', 'sub', 'jti', 'iat', 'iss', 'aud'].map(async (claim) => ({
            label: `no ${claim}`,
            token: await m.sign(m.fresh({ [claim]: undefined })),
          })),
        ),
      )
    },
  },
  {
    id: 'T52',
    title: 'Lifetime, iat sanity and minimal content',
    group: 'jwt',
    verifier: true,
    pace: 'fast',
    expected:
      '100 real tokens: exp − iat ≤ TTL, iat ≤ now, unique jti, no PII/secrets; a token with iat = now + 1 h → 401',
    async run(ctx, target, check) {
      const m = await minter(ctx)
      if (target === 'stateless') {
        const a = ctx.adapter('stateless')
        const v = ctx.victim(m.issuer)
        const ttl = Number(m.issuer.env.ACCESS_TTL ?? 900)
        const jtis = new Set<string>()
        // preferred_username lets /me answer from the token alone (REVOCATION=none); it is the login name, nothing more.
        const allowed = new Set([
          'iss',
          'aud',
          'sub',
          'iat',
          'exp',
          'nbf',
          'jti',
          'ver',
          'ep',
          'role',
          'sid',
          'preferred_username',
        ])
        let bad = 0
        for (let i = 0; i < 100; i += 10) {
          const batch = await Promise.all(
            Array.from({ length: 10 }, () => a.login(m.issuer, v.username, v.password)),
          )
          for (const b of batch) {
            const p = decodeJwt(b.cred?.access ?? '..').payload
            jtis.add(p.jti)
            const extra = Object.keys(p).filter((k) => !allowed.has(k))
            if (
              p.exp - p.iat > ttl ||
              p.iat > nowS() + 1 ||
              extra.length > 0 ||
              /argon2|password|@/.test(JSON.stringify(p))
            )
              bad++
          }
        }
        check.that(jtis.size === 100, `${jtis.size} unique jti in 100 tokens`)
        check.that(bad === 0, `${bad} tokens with bad lifetime or content`)
        check.note(
          `100 tokens: exp − iat ≤ ${ttl} s, ${jtis.size} unique jti, claims ${Object.keys(m.claims).join(',')}`,
        )
      }
      const now = nowS()
      await probeTokens(check, target, await ctx.verifierUrl(target), [
        { label: 'iat = now + 1 h', token: await m.sign(m.fresh({ iat: now + 3600, exp: now + 7200 })) },
      ])
    },
  },
  {
    id: 'T53',
    title: 'Issuer and audience',
    group: 'jwt',
    verifier: true,
    pace: 'fast',
    expected: 'foreign or missing iss; aud other / missing / [] / ["other"] → 401; aud ["other", ours] → 200',
    async run(ctx, target, check) {
      const m = await minter(ctx)
      const url = await ctx.verifierUrl(target)
      const ours = m.claims.aud
      const before = target === 'stateless' ? await ctx.before(m.issuer) : undefined
      await probeTokens(check, target, url, [
        { label: 'iss other', token: await m.sign(m.fresh({ iss: 'https://evil.example' })) },
        { label: 'iss missing', token: await m.sign(m.fresh({ iss: undefined })) },
        { label: 'aud other', token: await m.sign(m.fresh({ aud: 'other-api' })) },
        { label: 'aud missing', token: await m.sign(m.fresh({ aud: undefined })) },
        { label: 'aud []', token: await m.sign(m.fresh({ aud: [] })) },
        { label: 'aud ["other"]', token: await m.sign(m.fresh({ aud: ['other-api'] })) },
      ])
      const multi = await request(url, 'GET', '/me', {
        headers: { authorization: `Bearer ${await m.sign(m.fresh({ aud: ['other-api', ours] }))}` },
      })
      if (target === 'stateless') check.status('aud ["other", ours]', multi, 200)
      check.note(`aud ["other", ours] → ${multi.status}`)
      if (before) await ctx.nothingLost(m.issuer, before, check)
    },
  },
  {
    id: 'T54',
    title: 'Token-type confusion',
    group: 'jwt',
    verifier: true,
    pace: 'fast',
    expected:
      'typ missing / JWT / rt+jwt → 401; the refresh token as Bearer → 401; the access token as refresh cookie → 401, no rotation',
    async run(ctx, target, check) {
      const m = await minter(ctx)
      const url = await ctx.verifierUrl(target)
      await probeTokens(check, target, url, [
        { label: 'typ missing', token: await m.sign(m.fresh(), { typ: undefined }) },
        { label: 'typ JWT', token: await m.sign(m.fresh(), { typ: 'JWT' }) },
        { label: 'typ rt+jwt', token: await m.sign(m.fresh(), { typ: 'rt+jwt' }) },
        { label: 'refresh token as Bearer', token: m.cred.refresh ?? 'missing' },
      ])
      if (target !== 'stateless') return
      const before = await ctx.before(m.issuer)
      const r = await refresh(m.issuer, m.cred.access)
      check.error('access token in the refresh cookie', r.res, 401, 'invalid_refresh_token')
      await ctx.nothingLost(m.issuer, before, check)
      const real = await refresh(m.issuer, m.cred.refresh)
      check.status('the real refresh token afterwards', real.res, 200)
      check.note(`AT as refresh cookie → ${describeRes(r.res)}, family untouched`)
    },
  },
  {
    id: 'T55',
    title: 'Subject validity',
    group: 'jwt',
    verifier: true,
    pace: 'fast',
    expected:
      'REVOCATION=version: validly signed tokens whose sub is a deleted user, a non-existent id, a number, or SQL → 401',
    async run(ctx, target, check) {
      // Only a per-request user read can know a user is gone: REVOCATION=version (docs/security.md covers
      // denylist/none, where such a token lives until exp).
      const m = await minter(ctx, 'version')
      const v = ctx.victim(m.issuer)
      const gone = await m.sign(m.fresh({ sub: String(v.id), ver: 0 }))
      if (target === 'stateless') (await ctx.probe(m.issuer)).deleteUser(v.id)
      const url = await ctx.verifierUrl(target, 'version')
      const before = target === 'stateless' ? await ctx.before(m.issuer) : undefined
      await probeTokens(check, target, url, [
        { label: 'sub = deleted user', token: gone },
        { label: 'sub = 999999', token: await m.sign(m.fresh({ sub: '999999' })) },
        { label: 'sub as a number', token: await m.sign(m.fresh({ sub: Number(m.claims.sub) })) },
        { label: "sub = \"1' OR '1'='1\"", token: await m.sign(m.fresh({ sub: "1' OR '1'='1" })) },
      ])
      if (before) await ctx.nothingLost(m.issuer, before, check)
    },
  },
  {
    id: 'T60',
    title: 'Weak HMAC secret',
    group: 'jwt',
    apps: ['stateless'],
    pace: 'fast',
    expected:
      'a dictionary of weak secrets does not verify a real token; JWT_SECRET="secret" or 16 bytes → the app refuses to start',
    async run(ctx, _t, check) {
      const m = await minter(ctx)
      const [h, p, s] = decodeJwt(m.cred.access ?? '').parts
      const dictionary = [
        'secret',
        'password',
        '123456',
        'changeme',
        'jwt',
        'jwt-secret',
        'your-256-bit-secret',
        'supersecret',
        'key',
        'auth-lab',
        'auth-lab-secret',
        'test',
        'admin',
        'qwerty',
        'letmein',
        'secretkey',
        'mysecret',
        'default',
        'hs256-secret',
        'shhhhh',
        'keyboard cat',
        'development',
        'production',
        's3cr3t',
        'token',
      ]
      const hits = dictionary.filter(
        (w) => Buffer.from(hmacSigner('sha256', w)(`${h}.${p}`)).toString('base64url') === s,
      )
      check.that(hits.length === 0, `dictionary hit: ${hits.join(',')}`)
      const weak = await startExpectingFailure('stateless', { JWT_ALG: 'HS256', JWT_SECRET: 'secret' })
      check.that(
        !weak.listened && weak.exitCode !== null && weak.exitCode !== 0,
        `JWT_SECRET=secret: exit ${weak.exitCode}, listened ${weak.listened}`,
      )
      const short = await startExpectingFailure('stateless', {
        JWT_ALG: 'HS256',
        JWT_SECRET: '0123456789abcdef',
      })
      check.that(
        !short.listened && short.exitCode !== null && short.exitCode !== 0,
        `16-byte secret: exit ${short.exitCode}, listened ${short.listened}`,
      )
      check.note(
        `0/${dictionary.length} dictionary hits; "secret" → exit ${weak.exitCode}; 16 bytes → exit ${short.exitCode}`,
      )
    },
  },
]
