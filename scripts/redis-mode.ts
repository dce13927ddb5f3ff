/**
 * `pnpm start --redis` (or REDIS_URL set): both apps keep sessions, refresh state, the deny-list and the login
 * throttle in Redis. With REDIS_URL that server is used; with `--redis` alone a local redis-server is started on
 * 127.0.0.1:REDIS_PORT (default 6380, so a system Redis on 6379 is left alone) with its data in data/redis/ and AOF
 * `everysec` (a crash loses at most about a second of logins and rotations; docs/redis.md). It is stopped by PID
 * when `pnpm start` exits. Sets SESSION_STORE / TOKEN_STORE / REDIS_URL in process.env for the apps it spawns.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'

export interface RedisMode {
  url: string
  stop(): void
}

export async function startRedisMode(argv: readonly string[], root: string): Promise<RedisMode | null> {
  const wanted = argv.includes('--redis') || process.env.REDIS_URL !== undefined
  if (!wanted) return null
  let child: ChildProcess | undefined
  let url = process.env.REDIS_URL
  if (url === undefined) {
    const port = process.env.REDIS_PORT ?? '6380'
    const dir = join(root, 'data', 'redis')
    mkdirSync(dir, { recursive: true, mode: 0o700 })
    const bin = process.env.REDIS_SERVER || 'redis-server'
    child = spawn(
      bin,
      ['--port', port, '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'yes'],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    )
    const proc = child
    await new Promise<void>((resolve, reject) => {
      let log = ''
      proc.once('error', (err) =>
        reject(new Error(`cannot run ${bin} (apt-get install -y redis-server): ${err.message}`)),
      )
      proc.once('exit', (code) => reject(new Error(`redis-server exited (${code}): ${log.slice(-500)}`)))
      proc.stdout?.on('data', (b: Buffer) => {
        log += b.toString()
        if (log.includes('Ready to accept connections')) resolve()
      })
    })
    proc.stdout?.resume()
    url = `redis://127.0.0.1:${port}`
    process.on('exit', () => proc.kill('SIGTERM'))
  }
  process.env.REDIS_URL = url
  process.env.SESSION_STORE ??= 'redis'
  process.env.TOKEN_STORE ??= 'redis'
  console.log(`Redis: ${url}${child ? ` (local redis-server, pid ${child.pid}, data in data/redis/)` : ''}`)
  return {
    url,
    stop: () => {
      if (child?.pid && child.exitCode === null) process.kill(child.pid, 'SIGTERM')
    },
  }
}
