import { spawn } from 'node:child_process'
import { rmSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { openSharedDeps, TEST_COST } from '@auth-lab/shared'
import { afterAll, describe, expect, it } from 'vitest'
import { tempDir } from './test-app.js'

/**
 * The real server as a child process on a free port (PORT=0), driven over HTTP, stopped with SIGTERM.
 * tsx runs as a loader (`node --import tsx`), not through its CLI wrapper: the wrapper relays SIGTERM and SIGKILLs
 * a child that does not acknowledge within 30 ms, which on a busy machine turns a graceful stop into a crash.
 */
const here = fileURLToPath(new URL('.', import.meta.url))
const root = resolve(here, '../../..')
const server = join(here, 'server.ts')
const dir = tempDir()
const THROTTLE = { maxFailuresPerUser: 5, maxFailuresPerIp: 50, windowSeconds: 900 }
afterAll(() => rmSync(dir, { recursive: true, force: true }))

function start(env: Record<string, string>) {
  const child = spawn(process.execPath, ['--import', 'tsx', server], {
    cwd: root,
    env: {
      PATH: process.env.PATH,
      HOST: '127.0.0.1',
      PORT: '0',
      DB_PATH: join(dir, 'auth-lab.db'),
      ARGON2_MEMORY_KIB: '256',
      ARGON2_TIME_COST: '1',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (d) => {
    stdout += d
  })
  child.stderr.on('data', (d) => {
    stderr += d
  })
  const exited = new Promise<number | null>((res) => child.on('exit', (code) => res(code)))
  const listening = new Promise<string>((res, rej) => {
    const timer = setInterval(() => {
      const m = /auth-lab stateless listening on (http:\/\/127\.0\.0\.1:\d+) \(instance ([^)]+)\)/.exec(
        stdout,
      )
      if (m) {
        clearInterval(timer)
        res(m[1]!)
      }
    }, 20)
    exited.then(() => {
      clearInterval(timer)
      rej(new Error(`exited before listening: ${stderr}`))
    })
  })
  return { child, listening, exited, output: () => ({ stdout, stderr }) }
}

describe('server.ts', () => {
  it('prints one listening line, serves over HTTP, and exits 0 on SIGTERM', async () => {
    const s = start({ INSTANCE_ID: 'srv-test' })
    try {
      const base = await s.listening
      const health = await fetch(`${base}/health`)
      expect(await health.json()).toEqual({ status: 'ok', app: 'stateless', instance: 'srv-test' })
      const denied = await fetch(`${base}/me`)
      expect(denied.status).toBe(401)
      expect(s.output().stdout.trim().split('\n')).toHaveLength(1)
    } finally {
      s.child.kill('SIGTERM')
    }
    expect(await s.exited).toBe(0)
  })

  it('refuses to start with a short JWT_SECRET, with a clear message and exit code 2', async () => {
    const s = start({ JWT_SECRET: 'too-short' })
    expect(await s.exited).toBe(2)
    expect(s.output().stderr).toMatch(/configuration error: JWT_SECRET is 9 bytes/)
    await expect(s.listening).rejects.toThrow()
  })

  it('two instances on one DB share keys and refresh state: 20 refreshes of one token across both → one 200', async () => {
    const shared = openSharedDeps({
      app: 'test',
      dbPath: join(dir, 'auth-lab.db'),
      argon2: TEST_COST,
      throttle: THROTTLE,
    })
    if (!shared.users.findByUsername('alice'))
      await shared.users.create({ username: 'alice', password: 'alice-pass-123' })
    shared.db.close()
    const [a, b] = [start({ INSTANCE_ID: 'a' }), start({ INSTANCE_ID: 'b' })]
    try {
      const [baseA, baseB] = await Promise.all([a.listening, b.listening])
      const login = await fetch(`${baseA}/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'alice', password: 'alice-pass-123' }),
      })
      expect(login.status).toBe(200)
      const { access_token } = (await login.json()) as { access_token: string }
      const cookie = login.headers.getSetCookie()[0]!.split(';')[0]!
      const meOnB = await fetch(`${baseB}/me`, { headers: { authorization: `Bearer ${access_token}` } })
      expect(meOnB.status).toBe(200)
      const statuses = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          fetch(`${i % 2 ? baseB : baseA}/auth/refresh`, { method: 'POST', headers: { cookie } }).then(
            (r) => r.status,
          ),
        ),
      )
      expect(statuses.filter((st) => st === 200)).toHaveLength(1)
      expect(statuses.filter((st) => st === 401)).toHaveLength(19)
    } finally {
      a.child.kill('SIGTERM')
      b.child.kill('SIGTERM')
    }
    expect(await a.exited).toBe(0)
    expect(await b.exited).toBe(0)
  })
})
