import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { openSharedDeps, repoRoot, TEST_COST } from '@auth-lab/shared'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

/**
 * The real server as a child process, src/server.ts run by tsx, on a port the OS picks (PORT=0, read back from
 * the listening line), with a temporary DB_PATH and cheap argon2 (ARGON2_MEMORY_KIB=256, ARGON2_TIME_COST=1).
 * Every child is killed by PID in afterAll if a test left it running.
 *
 * tsx is used as a loader (`node --import tsx`), not through its CLI wrapper: the wrapper is a second process
 * that relays SIGTERM to the real one and SIGKILLs it if the child does not acknowledge within 30 ms, so on a
 * busy machine a graceful stop turned into a crash (exit 143). With the loader the signal reaches our handler.
 */
const root = repoRoot()
const TSX_LOADER = [process.execPath, '--import', 'tsx', 'apps/stateful/src/server.ts'] as const
const dir = mkdtempSync(join(tmpdir(), 'auth-lab-stateful-server-'))
const dbPath = join(dir, 'auth-lab.db')
const children = new Set<ChildProcess>()

interface Running {
  child: ChildProcess
  base: string
  exit: Promise<number | null>
  stdout: () => string
}

function start(env: Record<string, string>): Promise<Running> {
  const child = spawn(TSX_LOADER[0], TSX_LOADER.slice(1), {
    cwd: root,
    env: {
      PATH: process.env.PATH ?? '',
      PORT: '0',
      HOST: '127.0.0.1',
      DB_PATH: dbPath,
      ARGON2_MEMORY_KIB: '256',
      ARGON2_TIME_COST: '1',
      INSTANCE_ID: 'child-1',
      METRICS_TOKEN: 'metrics-token-for-tests-0123456789',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  children.add(child)
  let out = ''
  let err = ''
  const exit = new Promise<number | null>((resolve) =>
    child.on('exit', (code) => {
      children.delete(child)
      resolve(code)
    }),
  )
  child.stderr?.on('data', (d) => {
    err += String(d)
  })
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start: ${out} ${err}`)), 15_000)
    child.stdout?.on('data', (d) => {
      out += String(d)
      const m = /auth-lab stateful listening on (http:\/\/127\.0\.0\.1:\d+) \(instance child-1\)/.exec(out)
      if (m) {
        clearTimeout(timer)
        resolve({ child, base: m[1]!, exit, stdout: () => out })
      }
    })
    void exit.then((code) => {
      clearTimeout(timer)
      reject(new Error(`server exited with ${code}: ${err}`))
    })
  })
}

function lastSid(res: Response): string | undefined {
  const c = res.headers
    .getSetCookie()
    .filter((s) => s.startsWith('sid='))
    .at(-1)
  return c?.slice(4).split(';')[0]
}

beforeAll(async () => {
  const shared = openSharedDeps({
    app: 'stateful',
    dbPath,
    argon2: TEST_COST,
    throttle: { maxFailuresPerUser: 5, maxFailuresPerIp: 50, windowSeconds: 900 },
  })
  await shared.users.create({ username: 'alice', password: 'alice-password' })
  shared.db.close()
})

afterAll(() => {
  for (const child of children) if (child.pid) process.kill(child.pid, 'SIGKILL')
  rmSync(dir, { recursive: true, force: true })
})

describe('the real server over HTTP', () => {
  it('serves login, /me and logout, exports metrics, and exits 0 on SIGTERM', async () => {
    const s = await start({})
    expect(await (await fetch(`${s.base}/health`)).json()).toEqual({
      status: 'ok',
      app: 'stateful',
      instance: 'child-1',
    })
    const login = await fetch(`${s.base}/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'alice', password: 'alice-password' }),
    })
    expect(login.status).toBe(200)
    const sid = lastSid(login)!
    expect(sid).toMatch(/^[A-Za-z0-9_-]{43}$/)
    const me = await fetch(`${s.base}/me`, { headers: { cookie: `sid=${sid}` } })
    expect(me.status).toBe(200)
    expect(me.headers.get('server-timing')).toMatch(/^auth;dur=/)
    expect(((await me.json()) as { user: { username: string } }).user.username).toBe('alice')
    const metrics = await (
      await fetch(`${s.base}/metrics`, {
        headers: { authorization: 'Bearer metrics-token-for-tests-0123456789' },
      })
    ).text()
    // Two reads: the login's per-user cap check (SESSION_MAX_PER_USER, one list read) and the /me lookup.
    expect(metrics).toMatch(/auth_lab_store_operations_total\{op="read",table="sessions",app="stateful"\} 2/)
    expect(metrics).toContain('process_cpu_seconds_total')
    const out = await fetch(`${s.base}/auth/logout`, { method: 'POST', headers: { cookie: `sid=${sid}` } })
    expect(out.status).toBe(204)
    expect((await fetch(`${s.base}/me`, { headers: { cookie: `sid=${sid}` } })).status).toBe(401)

    // A session in the SQLite file outlives the process (the memory store's loss is tested in-process).
    const again = lastSid(
      await fetch(`${s.base}/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'alice', password: 'alice-password' }),
      }),
    )!
    process.kill(s.child.pid!, 'SIGTERM')
    expect(await s.exit).toBe(0)
    const restarted = await start({})
    expect((await fetch(`${restarted.base}/me`, { headers: { cookie: `sid=${again}` } })).status).toBe(200)
    process.kill(restarted.child.pid!, 'SIGTERM')
    expect(await restarted.exit).toBe(0)
  }, 60_000)

  it('refuses a bad configuration at start with exit code 2 and a message naming the variable', async () => {
    const child = spawn(TSX_LOADER[0], TSX_LOADER.slice(1), {
      cwd: root,
      env: { PATH: process.env.PATH ?? '', PORT: '0', DB_PATH: dbPath, SESSION_STORE: 'redis' },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    children.add(child)
    let err = ''
    child.stderr.on('data', (d) => {
      err += String(d)
    })
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve))
    children.delete(child)
    expect(code).toBe(2)
    expect(err).toMatch(/SESSION_STORE/)
  })
})
