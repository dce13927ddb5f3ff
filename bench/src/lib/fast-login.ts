/**
 * Logins in bulk (the memory scenario fills servers with sessions; the storm logs 10,000 users in): the same
 * POST /auth/login a browser sends, over node:http with keep-alive. fetch (undici) costs the harness about as much
 * CPU per login as the login costs the server; on 2 cores that halved the fill rate. Each login must succeed and
 * carry its credential (a session cookie, or an access token and refresh cookie), or it throws; the credential is
 * returned as client.ts's `login` would hold it.
 */
import { Agent, request } from 'node:http'
import { absorbAnswer, type Credential, HttpStatusError } from './client.js'
import type { AppKind } from './configs.js'
import { BENCH_PASSWORD } from './users.js'

export interface FastLogin {
  login(username: string): Promise<Credential>
  close(): void
}

export function fastLogin(base: string, app: AppKind, maxSockets: number): FastLogin {
  const agent = new Agent({ keepAlive: true, maxSockets })
  const url = new URL('/auth/login', base)
  const login = (username: string) =>
    new Promise<Credential>((resolve, reject) => {
      const body = JSON.stringify({ username, password: BENCH_PASSWORD })
      const req = request(
        url,
        {
          method: 'POST',
          agent,
          headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
          timeout: 30_000,
        },
        (res) => {
          const chunks: Buffer[] = []
          res.on('data', (c: Buffer) => chunks.push(c))
          res.on('error', reject)
          res.on('end', () => {
            if (res.statusCode !== 200)
              return reject(new HttpStatusError(res.statusCode ?? 'error', `login of ${username} at ${base}`))
            let body: unknown
            try {
              body = JSON.parse(Buffer.concat(chunks).toString('utf8'))
            } catch {
              // no JSON body: no access token, refused below
            }
            const start: Credential = { app, username, password: BENCH_PASSWORD }
            const cred = absorbAnswer(start, res.headers['set-cookie'] ?? [], body)
            const ok = app === 'stateful' ? cred.session !== undefined : cred.access !== undefined
            if (!ok) reject(new Error(`login of ${username} at ${base} returned no credential`))
            else resolve(cred)
          })
        },
      )
      req.on('timeout', () => req.destroy(new Error(`login of ${username} at ${base} timed out`)))
      req.on('error', reject)
      req.end(body)
    })
  return { login, close: () => agent.destroy() }
}
