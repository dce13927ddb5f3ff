import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs'
import { connect } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  type AppServer,
  type Cred,
  METRICS_AUTH,
  rawRequest,
  request,
  sameOrigin,
  startApp,
  startExpectingFailure,
} from '@auth-lab/test'
import { profileOptions } from './profiles.js'
import { BOTH_STORES } from './store-probe.js'
import type { AttackCase } from './types.js'

/**
 * Issue 10, wave 2 findings (docs/security.md "Wave 2 findings"): black-box cases for F1, F6, F7, F8 and F9.
 * Each failed on the code before the fix: F1 let 148–227 of 200 concurrent guesses through; F6 started with
 * `aaaa…`; F7 left 0644 DB files and a 0755 key dir; F9 served /metrics to anyone and held a partial body > 80 s.
 * F8 is a regression guard: it passed before and must keep passing.
 */

/** One raw HTTP/1.1 answer: status and the JSON `error` code if any. */
interface Answer {
  status: number | null
  code?: string
}

/**
 * Opens one TCP connection per request, waits until ALL are connected, writes every request in the same tick, and
 * only then reads: the server sees the whole burst before it has answered anything (what the review did).
 */
async function burst(port: number, requests: string[], timeoutMs = 30_000): Promise<Answer[]> {
  const socks = await Promise.all(
    requests.map(
      () =>
        new Promise<ReturnType<typeof connect>>((resolve, reject) => {
          const s = connect(port, '127.0.0.1')
          s.once('connect', () => resolve(s))
          s.once('error', reject)
        }),
    ),
  )
  const answers = socks.map(
    (s) =>
      new Promise<Answer>((resolve) => {
        let data = ''
        const done = () => {
          clearTimeout(timer)
          s.destroy()
          const status = /^HTTP\/1\.[01] (\d{3})/.exec(data)
          const code = /"error"\s*:\s*"([a-z_]+)"/.exec(data)
          resolve({ status: status ? Number(status[1]) : null, code: code?.[1] })
        }
        const timer = setTimeout(done, timeoutMs)
        s.on('data', (b) => {
          data += b.toString('latin1')
        })
        s.on('end', done)
        s.on('close', done)
        s.on('error', done)
      }),
  )
  socks.forEach((s, i) => {
    s.write(requests[i] ?? '')
  })
  return Promise.all(answers)
}

function post(server: AppServer, path: string, body: object, extra: Record<string, string> = {}): string {
  const json = JSON.stringify(body)
  const headers = {
    Host: `127.0.0.1:${server.port}`,
    'Content-Type': 'application/json',
    'Content-Length': String(Buffer.byteLength(json)),
    Connection: 'close',
    ...sameOrigin(server.origin),
    ...extra,
  }
  return `POST ${path} HTTP/1.1\r\n${Object.entries(headers)
    .map(([k, v]) => `${k}: ${v}`)
    .join('\r\n')}\r\n\r\n${json}`
}

function credHeaders(cred: Cred, cookieName: string): Record<string, string> {
  if (cred.sid) return { Cookie: `${cookieName}=${cred.sid}` }
  return { Authorization: `Bearer ${cred.access}` }
}

const tally = (answers: Answer[]) => {
  const t: Record<string, number> = {}
  for (const a of answers) {
    const k = `${a.status ?? 'none'}${a.code ? ` ${a.code}` : ''}`
    t[k] = (t[k] ?? 0) + 1
  }
  return t
}
const count = (answers: Answer[], status: number) => answers.filter((a) => a.status === status).length
const fmt = (t: Record<string, number>) =>
  Object.entries(t)
    .map(([k, n]) => `${n}× ${k}`)
    .join(', ')

const mode = (p: string) => statSync(p).mode & 0o777

/** P-256 group order: (r, n − s) is the other valid ECDSA signature of the same message (F8). */
const P256_N = BigInt('0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551')

export const hardeningCases: AttackCase[] = [
  {
    id: 'F01',
    title: 'Concurrent brute force over raw TCP: login, spraying, password change',
    group: 'login',
    apps: ['stateful', 'stateless'],
    pace: 'fast', // ~600 requests on ~600 connections: a few seconds, run alone (fast cases run one at a time)
    stores: BOTH_STORES,
    expected:
      '201 guesses at once (right one in the middle) → ≤ 5 checked (401), rest 429, right one 429; 200 names from one address → ≤ the per-IP budget checked; same for /auth/password',
    async run(ctx, app, check) {
      const server = await ctx.server(app, 'burst')
      const a = ctx.adapter(app)
      const cookieName = a.cookieName(server)
      const limitUser = 5
      const limitIp = 50
      // (1) Password change with a stolen credential: 200 wrong current passwords + the right one.
      const owner = ctx.victim(server)
      const { cred } = await a.login(server, owner.username, owner.password)
      if (!check.that(cred !== undefined, 'victim login failed') || !cred) return
      const pw = await burst(
        server.port,
        Array.from({ length: 201 }, (_, i) =>
          post(
            server,
            '/auth/password',
            {
              current_password: i === 100 ? owner.password : `wrong-current-${i}`,
              new_password: 'attacker-chosen-pass-1',
            },
            credHeaders(cred, cookieName),
          ),
        ),
      )
      const pwChecked = count(pw, 401)
      check.that(
        pwChecked <= limitUser,
        `password change: ${pwChecked} wrong passwords checked (limit ${limitUser})`,
      )
      check.that(pw[100]?.status === 429, `password change: the right password got ${pw[100]?.status}`)
      check.that(count(pw, 429) === 201 - pwChecked, `password change: ${fmt(tally(pw))}`)
      // (2) Login: 200 wrong passwords + the right one in the middle, for one account.
      const v = ctx.victim(server)
      const login = await burst(
        server.port,
        Array.from({ length: 201 }, (_, i) =>
          post(server, '/auth/login', {
            username: v.username,
            password: i === 100 ? v.password : `wrong-password-${i}`,
          }),
        ),
      )
      const loginChecked = count(login, 401)
      check.that(
        loginChecked <= limitUser,
        `login: ${loginChecked} wrong passwords checked (limit ${limitUser})`,
      )
      check.that(login[100]?.status === 429, `login: the right password got ${login[100]?.status}`)
      check.that(count(login, 429) === 201 - loginChecked, `login: ${fmt(tally(login))}`)
      // (3) Spraying: 200 different names at once from this one address; the failures above used part of its budget.
      const spray = await burst(
        server.port,
        Array.from({ length: 200 }, (_, i) =>
          post(server, '/auth/login', {
            username: `spray${String(i).padStart(3, '0')}`,
            password: 'spray-password',
          }),
        ),
      )
      const sprayChecked = count(spray, 401)
      const budget = limitIp - pwChecked - loginChecked
      check.that(
        sprayChecked <= budget,
        `spraying: ${sprayChecked} names checked (per-IP budget left ${budget})`,
      )
      check.that(
        spray.every((s) => s.status === 401 || s.status === 429 || s.status === 503),
        `spraying: ${fmt(tally(spray))}`,
      )
      // A successful change would have ended the owner's other sessions/tokens: still signed in = no change.
      const me = await a.me(server, cred)
      check.status('the owner is still signed in (no password change happened)', me, 200)
      check.note(
        `password change: ${fmt(tally(pw))}; login: ${fmt(tally(login))}; spraying: ${fmt(tally(spray))}`,
      )
    },
  },
  {
    id: 'F01S',
    title: 'Concurrent brute force split over two instances sharing one Redis',
    group: 'login',
    apps: ['stateful', 'stateless'],
    pace: 'fast',
    // Redis only: on SQLite the throttle lives in each process, so two instances grant two budgets (documented).
    stores: ['redis'],
    expected:
      '201 guesses for one account, alternating between two instances on one Redis (right one in the middle) → ≤ 5 checked, rest 429; 200 names → ≤ the per-IP budget checked over both',
    async run(ctx, app, check) {
      // Two fresh instances (one DB file, one REDIS_PREFIX): a fresh throttle, untouched by F01's budget use.
      const opts = profileOptions(app, 'burst')
      const env = { ...opts.env, ...(await ctx.storeEnv()) }
      const one = await startApp({ ...opts, env })
      let two: AppServer | undefined
      try {
        two = await startApp({ app, seed: false, env: { ...env, DB_PATH: one.dbPath } })
        const pair = [one, two] as const
        const split = async (build: (i: number) => object) => {
          const byServer = pair.map(() => [] as { i: number; req: string }[])
          for (let i = 0; i < 201; i++) {
            const server = pair[i % 2] as AppServer
            byServer[i % 2]?.push({ i, req: post(server, '/auth/login', build(i)) })
          }
          const answers = await Promise.all(
            pair.map((server, k) =>
              burst(
                server.port,
                (byServer[k] ?? []).map((r) => r.req),
              ),
            ),
          )
          const out: Answer[] = []
          pair.forEach((_, k) => {
            byServer[k]?.forEach((r, j) => {
              out[r.i] = answers[k]?.[j] ?? { status: null }
            })
          })
          return out
        }
        const v = one.fixtures.victims[0]
        if (!v) throw new Error('no fixture victim')
        const login = await split((i) => ({
          username: v.username,
          password: i === 100 ? v.password : `wrong-password-${i}`,
        }))
        const checked = count(login, 401)
        check.that(
          checked >= 1 && checked <= 5,
          `login: ${checked} wrong passwords checked over both (limit 5)`,
        )
        check.that(login[100]?.status === 429, `login: the right password got ${login[100]?.status}`)
        check.that(count(login, 429) === 201 - checked, `login: ${fmt(tally(login))}`)
        const spray = await split((i) => ({
          username: `spray${String(i).padStart(3, '0')}`,
          password: 'spray-password',
        }))
        const sprayChecked = count(spray, 401)
        check.that(
          sprayChecked <= 50 - checked,
          `spraying: ${sprayChecked} names checked over both (per-IP budget left ${50 - checked})`,
        )
        check.that(
          spray.every((x) => x.status === 401 || x.status === 429),
          `spraying: ${fmt(tally(spray))}`,
        )
        check.note(`two instances, one Redis — login: ${fmt(tally(login))}; spraying: ${fmt(tally(spray))}`)
      } finally {
        await Promise.all([one.stop(), two?.stop()])
      }
    },
  },
  {
    id: 'F06',
    title: 'Low-entropy JWT_SECRET of 32+ bytes',
    group: 'jwt',
    apps: ['stateless'],
    pace: 'fast',
    expected: '`a`×32 and a 38-byte phrase → exit 2 before listening, message says how to generate a secret',
    async run(_ctx, app, check) {
      if (app !== 'stateless') return
      const seen: string[] = []
      for (const secret of ['a'.repeat(32), 'my-super-secret-jwt-signing-key-2024!!']) {
        const r = await startExpectingFailure('stateless', { JWT_ALG: 'HS256', JWT_SECRET: secret })
        check.that(
          r.exitCode === 2 && !r.listened,
          `${secret.slice(0, 12)}…: exit ${r.exitCode}, listened ${r.listened}`,
        )
        check.that(
          /openssl rand -base64 32/.test(r.output),
          `${secret.slice(0, 12)}…: the message does not say how to generate one`,
        )
        seen.push(`exit ${r.exitCode}`)
      }
      check.note(`both refused at start (${seen.join(', ')}), with "openssl rand -base64 32" in the message`)
    },
  },
  {
    id: 'F07',
    title: 'File modes of the DB (+ -wal/-shm) and the key directory under umask 022',
    group: 'session',
    apps: ['stateful', 'stateless'],
    pace: 'fast',
    expected: 'new DB dir 0700; DB, -wal, -shm 0600; a pre-existing 0755 key dir → 0700, key file 0600',
    async run(_ctx, app, check) {
      const root = mkdtempSync(join(tmpdir(), 'auth-lab-f07-'))
      const dataDir = join(root, 'data')
      const keysDir = join(root, 'keys')
      mkdirSync(keysDir)
      chmodSync(keysDir, 0o755)
      const db = join(dataDir, 'auth-lab.db')
      // The server process inherits this runner's umask (022 on a usual box: new files 0644 unless the app says).
      let server: AppServer | undefined
      try {
        server = await startApp({
          app,
          seed: false,
          env: { DB_PATH: db, JWT_KEYS_DIR: keysDir, ...(app === 'stateless' ? { JWT_ALG: 'ES256' } : {}) },
        })
        await request(server.url, 'GET', '/health')
        const modes: Record<string, string> = {}
        for (const p of [dataDir, db, `${db}-wal`, `${db}-shm`]) {
          if (!existsSync(p)) continue
          modes[p.slice(root.length + 1)] = mode(p).toString(8)
        }
        check.that(mode(dataDir) === 0o700, `DB directory ${mode(dataDir).toString(8)}`)
        for (const p of [db, `${db}-wal`, `${db}-shm`]) {
          if (existsSync(p))
            check.that(mode(p) === 0o600, `${p.slice(root.length + 1)} is ${mode(p).toString(8)}`)
        }
        check.that(existsSync(`${db}-wal`), 'no -wal file (WAL mode expected)')
        if (app === 'stateless') {
          const keyFile = join(keysDir, 'jwt-ES256.json')
          check.that(mode(keysDir) === 0o700, `pre-existing key dir left at ${mode(keysDir).toString(8)}`)
          check.that(existsSync(keyFile) && mode(keyFile) === 0o600, 'key file not 0600')
          modes.keys = mode(keysDir).toString(8)
        }
        check.note(`modes after start: ${JSON.stringify(modes)}`)
      } finally {
        await server?.stop()
        rmSync(root, { recursive: true, force: true })
      }
    },
  },
  {
    id: 'F08',
    title: 'Revocation ignores token malleability (non-canonical base64url, ES256 high-S twin)',
    group: 'jwt',
    apps: ['stateless'],
    pace: 'fast',
    expected:
      'after logout (denylist): the token, its non-canonical-base64url twin (HS256) and its (r, n−s) twin (ES256) → all 401',
    async run(ctx, app, check) {
      if (app !== 'stateless') return
      const notes: string[] = []
      for (const profile of ['main', 'es256'] as const) {
        const server = await ctx.server('stateless', profile)
        const a = ctx.adapter('stateless')
        const v = ctx.victim(server)
        const { cred } = await a.login(server, v.username, v.password)
        if (!check.that(cred?.access !== undefined, `${profile}: login failed`) || !cred?.access) continue
        const twin = profile === 'main' ? nonCanonicalTwin(cred.access) : highSTwin(cred.access)
        check.that(twin !== cred.access, `${profile}: could not build a twin`)
        const twinBefore = await a.me(server, { ...cred, access: twin })
        const out = await a.logout(server, cred)
        check.status(`${profile}: logout`, out, [200, 204])
        const orig = await a.me(server, cred)
        const after = await a.me(server, { ...cred, access: twin })
        check.status(`${profile}: the revoked token`, orig, 401)
        check.status(`${profile}: its malleated twin after logout`, after, 401)
        notes.push(
          `${profile === 'main' ? 'HS256 base64url twin' : 'ES256 high-S twin'}: ${twinBefore.status} before, ${after.status} after logout`,
        )
      }
      check.note(notes.join('; '))
    },
  },
  {
    id: 'F09',
    title: '/metrics and /health exposure; slowloris partial body',
    group: 'input',
    apps: ['stateful', 'stateless'],
    pace: 'timer', // waits for the server's request timeout (HTTP_REQUEST_TIMEOUT, 15 s by default)
    expected:
      '/metrics without or with a wrong token → 401/404, with METRICS_TOKEN → 200; /health has no PID; a stalled partial body is cut within HTTP_REQUEST_TIMEOUT + 2 s',
    async run(ctx, app, check) {
      const server = await ctx.server(app)
      const none = await request(server.url, 'GET', '/metrics')
      const wrong = await request(server.url, 'GET', '/metrics', {
        headers: { authorization: 'Bearer not-the-token-0000000' },
      })
      const right = await request(server.url, 'GET', '/metrics', { headers: METRICS_AUTH })
      check.status('/metrics without a token', none, [401, 404])
      check.status('/metrics with a wrong token', wrong, [401, 404])
      check.that(
        !/auth_lab_|nodejs_version/.test(none.text + wrong.text),
        'metrics text leaked without the token',
      )
      check.status('/metrics with the token', right, 200)
      const health = await request(server.url, 'GET', '/health')
      check.that(
        !new RegExp(`\\b${server.pid}\\b`).test(health.text),
        `/health shows the PID: ${health.text}`,
      )
      // Slowloris: headers complete, 10 of 100 body bytes, then silence.
      const limitS = Number(server.env.HTTP_REQUEST_TIMEOUT ?? 15)
      let stalled = true
      const r = await rawRequest(
        server.port,
        `POST /auth/login HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\nContent-Type: application/json\r\nContent-Length: 100\r\n${Object.entries(
          sameOrigin(server.origin),
        )
          .map(([k, v]) => `${k}: ${v}\r\n`)
          .join('')}\r\n`,
        async (write) => {
          write('{"username"')
          while (stalled) await new Promise((res) => setTimeout(res, 200))
        },
        (limitS + 10) * 1000,
      )
      stalled = false
      const cut = r.closed || r.status === 408
      check.that(
        cut && r.ms < (limitS + 2) * 1000,
        `partial body held ${Math.round(r.ms)} ms (status ${r.status ?? 'none'})`,
      )
      check.note(
        `/metrics: ${none.status} without, ${wrong.status} wrong, ${right.status} with the token; /health without PID; partial body cut after ${(r.ms / 1000).toFixed(1)} s (${r.status ?? 'closed'})`,
      )
    },
  },
]

/** HS256: change the unused low bits of the last base64url character (same bytes, different string). */
function nonCanonicalTwin(token: string): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'
  const last = token.at(-1) ?? 'A'
  const twin = alphabet[alphabet.indexOf(last) ^ 1] ?? last // 32 bytes = 42⅔ chars: the last 2 bits are padding
  return token.slice(0, -1) + twin
}

/** ES256: the signature r‖s (32 + 32 bytes) → r‖(n − s), which verifies the same message. */
function highSTwin(token: string): string {
  const [h, p, sig] = token.split('.')
  const raw = Buffer.from(sig ?? '', 'base64url')
  const s = BigInt(`0x${raw.subarray(32).toString('hex')}`)
  const s2 = Buffer.from((P256_N - s).toString(16).padStart(64, '0'), 'hex')
  return `${h}.${p}.${Buffer.concat([raw.subarray(0, 32), s2]).toString('base64url')}`
}
