/**
 * A private redis-server for tests (test-only: exported as `@auth-lab/shared/redis-test-server`, never from the
 * main barrel). Binary from REDIS_SERVER or PATH; a free 127.0.0.1 port; a temp `--dir`; no RDB snapshots
 * (`--save ''`); AOF only when asked (`appendonly: true`, for restart tests that expect committed writes back).
 * Stopped by PID. One server per test file is the intended use (start in beforeAll, stop in afterAll); tests keep
 * apart by using distinct REDIS_PREFIX values.
 */
import type { ChildProcess } from 'node:child_process'
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { freePort } from '../net/free-port.js'

export interface RedisTestServer {
  port: number
  url: string
  dir: string
  pid(): number | undefined
  /** SIGKILL (a crash: no shutdown save). Resolves when the process is gone. */
  kill(): Promise<void>
  /** Starts it again on the same port and dir (AOF replays if `appendonly`). */
  restart(): Promise<void>
  /** SIGTERM, wait, remove the dir. */
  stop(): Promise<void>
}

/**
 * Commands the server has executed so far (INFO commandstats, every command except INFO and heartbeat PINGs; commands run by
 * a Lua script count as well as the EVALSHA). Take it before and after a request to count what the request cost.
 */
export async function commandsExecuted(client: { info(section: string): Promise<unknown> }): Promise<number> {
  const text = String(await client.info('commandstats'))
  let n = 0
  // INFO is the probe itself; PING is the client cache's heartbeat (client.ts), never part of a request.
  for (const m of text.matchAll(/^cmdstat_([a-z|]+):calls=(\d+)/gm))
    if (m[1] !== 'info' && m[1] !== 'ping') n += Number(m[2])
  return n
}

/** Round trips = commands the client sent: INFO commandstats counts EVALSHA once plus each redis.call inside, so
 * tests that count round trips use requests without scripts, or `calls` for one command name. */
export async function commandCalls(
  client: { info(section: string): Promise<unknown> },
  name: string,
): Promise<number> {
  const m = String(await client.info('commandstats')).match(new RegExp(`^cmdstat_${name}:calls=(\\d+)`, 'm'))
  return Number(m?.[1] ?? 0)
}

export async function startRedisServer(
  opts: { appendonly?: boolean; appendfsync?: 'always' | 'everysec'; cluster?: boolean } = {},
): Promise<RedisTestServer> {
  const bin = process.env.REDIS_SERVER || 'redis-server'
  const dir = mkdtempSync(join(tmpdir(), 'auth-lab-redis-'))
  let port = await freePort()
  // The cluster bus would default to port + 10 000, which may be taken or above 65 535: pick a free one too.
  const busPort = opts.cluster ? await freePort() : 0
  let child: ChildProcess | undefined

  const launch = async (): Promise<void> => {
    const args = [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--dir',
      dir,
      '--save',
      '',
      '--appendonly',
      opts.appendonly ? 'yes' : 'no',
      '--appendfsync',
      'everysec',
      '--protected-mode',
      'yes',
      '--daemonize',
      'no',
      '--loglevel',
      'notice',
      // A cluster node keeps its node table in its own dir (nodes.conf), so the three never share one.
      ...(opts.cluster
        ? [
            '--cluster-enabled',
            'yes',
            '--cluster-config-file',
            'nodes.conf',
            '--cluster-port',
            String(busPort),
          ]
        : []),
    ]
    const proc = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] })
    child = proc
    let log = ''
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        proc.kill('SIGKILL')
        reject(new Error(`redis-server did not start in 5 s: ${log}`))
      }, 5000)
      const onData = (b: Buffer) => {
        log += b.toString()
        if (log.includes('Ready to accept connections')) {
          clearTimeout(timer)
          resolve()
        }
      }
      proc.stdout?.on('data', onData)
      proc.stderr?.on('data', onData)
      proc.once('error', (err) => {
        clearTimeout(timer)
        reject(new Error(`cannot run ${bin} (install redis-server or set REDIS_SERVER): ${err.message}`))
      })
      proc.once('exit', (code) => {
        clearTimeout(timer)
        reject(new Error(`redis-server exited with ${code}: ${log}`))
      })
    })
    // Drain the rest of the log so the pipe never fills.
    proc.stdout?.resume()
    proc.stderr?.resume()
  }

  const waitExit = (proc: ChildProcess | undefined, signal: NodeJS.Signals) =>
    new Promise<void>((resolve) => {
      if (!proc || proc.exitCode !== null || proc.signalCode !== null) return resolve()
      proc.once('exit', () => resolve())
      proc.kill(signal)
    })

  // A test process that dies before its afterAll must not leave a redis-server (or its dir) behind.
  const onExit = () => {
    child?.kill('SIGKILL')
    rmSync(dir, { recursive: true, force: true })
  }
  process.once('exit', onExit)

  for (let attempt = 0; ; attempt++) {
    try {
      await launch()
      break
    } catch (err) {
      if (attempt >= 2) {
        // Never started (redis-server missing or three lost port races): the caller gets no handle to stop.
        process.off('exit', onExit)
        if (child?.pid !== undefined) await waitExit(child, 'SIGKILL') // no pid: it never ran (ENOENT)
        rmSync(dir, { recursive: true, force: true })
        throw err
      }
      port = await freePort() // lost the race for the port: try another
    }
  }
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    dir,
    pid: () => child?.pid,
    kill: () => waitExit(child, 'SIGKILL'),
    restart: async () => {
      await waitExit(child, 'SIGKILL')
      await launch()
    },
    stop: async () => {
      process.off('exit', onExit)
      await waitExit(child, 'SIGTERM')
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

export interface RedisTestCluster {
  /** `host:port` of every master, for REDIS_CLUSTER_NODES. */
  nodes: string[]
  servers: RedisTestServer[]
  /** SIGTERM every node, wait, remove their dirs. */
  stop(): Promise<void>
}

/**
 * A real 3-master Redis Cluster for tests: three redis-servers started like `startRedisServer` plus
 * `--cluster-enabled yes` (each with its node file in its own temp dir), joined and given the 16 384 slots with
 * `redis-cli --cluster create … --cluster-replicas 0 --cluster-yes` (redis-cli from REDIS_CLI or PATH); resolves
 * once every node reports `cluster_state:ok`. Stopped by PID like the single server.
 */
export async function startRedisCluster(masters = 3): Promise<RedisTestCluster> {
  const servers: RedisTestServer[] = []
  const stop = async () => {
    await Promise.all(servers.map((s) => s.stop()))
  }
  try {
    for (let i = 0; i < masters; i++) servers.push(await startRedisServer({ cluster: true }))
    const nodes = servers.map((s) => `127.0.0.1:${s.port}`)
    const cli = process.env.REDIS_CLI || 'redis-cli'
    await run(cli, ['--cluster', 'create', ...nodes, '--cluster-replicas', '0', '--cluster-yes'])
    const deadline = Date.now() + 10_000
    for (const s of servers) {
      for (;;) {
        const info = await run(cli, ['-p', String(s.port), 'cluster', 'info'])
        if (info.includes('cluster_state:ok')) break
        if (Date.now() > deadline) throw new Error(`cluster not ok on ${s.port}: ${info}`)
        await new Promise((r) => setTimeout(r, 100))
      }
    }
    return { nodes, servers, stop }
  } catch (err) {
    await stop()
    throw err
  }
}

function run(bin: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const p = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    p.stdout?.on('data', (b: Buffer) => {
      out += b.toString()
    })
    p.stderr?.on('data', (b: Buffer) => {
      out += b.toString()
    })
    p.once('error', (err) => reject(new Error(`cannot run ${bin}: ${err.message}`)))
    p.once('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`${bin} exited ${code}: ${out}`))))
  })
}
