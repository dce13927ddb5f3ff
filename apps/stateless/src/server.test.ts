import { spawn } from 'node:child_process'
import { rmSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'
import { tempDir } from './test-helpers.js'

/**
 * The real server as a child process on a free port (PORT=0), driven over HTTP, stopped with SIGTERM.
 * tsx runs as a loader (`node --import tsx`), not through its CLI wrapper: the wrapper relays SIGTERM and SIGKILLs
 * a child that does not acknowledge within 30 ms, which on a busy machine turns a graceful stop into a crash.
 */
const here = fileURLToPath(new URL('.', import.meta.url))
const root = resolve(here, '../../..')
const server = join(here, 'server.ts')
const dir = tempDir()
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
})
