/**
 * Logins in bulk when only the server's side matters (the memory scenario fills a server with sessions): the same
 * POST /auth/login a browser sends, over node:http with keep-alive, without building a Credential. fetch (undici)
 * costs the harness about as much CPU per login as the login costs the server; on 2 cores that halved the fill rate.
 * Each login must still succeed and carry its credential (a session cookie, or an access token), or it throws.
 */
import { Agent, request } from 'node:http'
import { HttpStatusError } from './client.js'
import type { AppKind } from './configs.js'
import { BENCH_PASSWORD } from './users.js'

export interface FastLogin {
  login(username: string): Promise<void>
  close(): void
}

export function fastLogin(base: string, app: AppKind, maxSockets: number): FastLogin {
  const agent = new Agent({ keepAlive: true, maxSockets })
  const url = new URL('/auth/login', base)
  const login = (username: string) =>
    new Promise<void>((resolve, reject) => {
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
            const ok =
              app === 'stateful'
                ? (res.headers['set-cookie'] ?? []).some((c) => /^(__Host-)?sid=[^;]/.test(c))
                : Buffer.concat(chunks).includes('"access_token":"')
            if (!ok) reject(new Error(`login of ${username} at ${base} returned no credential`))
            else resolve()
          })
        },
      )
      req.on('timeout', () => req.destroy(new Error(`login of ${username} at ${base} timed out`)))
      req.on('error', reject)
      req.end(body)
    })
  return { login, close: () => agent.destroy() }
}
