/**
 * `pnpm start`: both apps side by side on the embedded SQLite default (data/auth-lab.db).
 * Creates the demo users if absent and prints their credentials, then runs the stateful app on 3001 and the
 * stateless app on 3002 as child processes with prefixed logs. Ctrl-C stops both (by PID); if one exits, the
 * other is stopped too, so a half-running lab never goes unnoticed.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { createInterface } from 'node:readline'
import { resolve } from 'node:path'
import { DEMO_USERS, defaultDbPath, ensureDemoUsers, openSharedDeps, readCommonConfig, repoRoot } from '@auth-lab/shared'
import { startRedisMode } from './redis-mode.js'

const root = repoRoot()
const dbPath = process.env.DB_PATH ?? defaultDbPath()

const apps = [
  { name: 'stateful', port: process.env.STATEFUL_PORT ?? '3001', entry: 'apps/stateful/src/server.ts', color: 36 },
  { name: 'stateless', port: process.env.STATELESS_PORT ?? '3002', entry: 'apps/stateless/src/server.ts', color: 35 },
] as const

async function seedDemoUsers(): Promise<void> {
  const config = readCommonConfig(process.env, { port: 0, dbPath, app: 'start' })
  const deps = openSharedDeps({ app: 'start', dbPath, argon2: config.argon2, throttle: config.throttle })
  try {
    const created = await ensureDemoUsers(deps.users)
    console.log(`Database: ${dbPath}${created.length ? ` (created demo users: ${created.join(', ')})` : ''}`)
  } finally {
    deps.db.close()
  }
  console.log('Demo users (username / password):')
  for (const u of DEMO_USERS) {
    const notes = [u.role === 'admin' ? 'admin' : '', 'disabled' in u && u.disabled ? 'disabled: login always fails' : '']
    console.log(`  ${u.username.padEnd(6)} / ${u.password}${notes.some(Boolean) ? `  (${notes.filter(Boolean).join(', ')})` : ''}`)
  }
}

function run(app: (typeof apps)[number]): ChildProcess {
  // `node --import tsx` rather than the tsx CLI: the CLI wrapper turns a slow SIGTERM acknowledgement into a kill,
  // which would make Ctrl-C a crash instead of a graceful stop.
  const child = spawn(process.execPath, ['--import', 'tsx', resolve(root, app.entry)], {
    cwd: root,
    env: { ...process.env, PORT: app.port, DB_PATH: dbPath, INSTANCE_ID: process.env.INSTANCE_ID ?? app.name },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const tag = process.stdout.isTTY ? `\x1b[${app.color}m[${app.name}]\x1b[0m` : `[${app.name}]`
  for (const stream of [child.stdout, child.stderr]) {
    if (stream) createInterface({ input: stream }).on('line', (line) => console.log(`${tag} ${line}`))
  }
  return child
}

// Redis mode (issue 12): `--redis` or REDIS_URL puts both apps' sessions / tokens / throttle in Redis.
const redis = await startRedisMode(process.argv.slice(2), root)
await seedDemoUsers()
const children = apps.map((app) => ({ app, child: run(app) }))
console.log(`Open http://localhost:${apps[0].port}/ (sessions) and http://localhost:${apps[1].port}/ (JWT). Ctrl-C stops both.`)

let stopping = false
function stopAll(code: number): void {
  if (stopping) return
  stopping = true
  setTimeout(() => redis?.stop(), 500).unref() // after the apps have closed their connections
  for (const { child } of children) if (child.exitCode === null && child.pid) process.kill(child.pid, 'SIGTERM')
  setTimeout(() => process.exit(code), 3000).unref()
  let left = children.filter(({ child }) => child.exitCode === null).length
  if (left === 0) process.exit(code)
  for (const { child } of children) {
    child.once('exit', () => {
      if (--left === 0) process.exit(code)
    })
  }
}

for (const { app, child } of children) {
  child.on('exit', (code, signal) => {
    if (!stopping) {
      console.error(`[${app.name}] exited (${signal ?? code}); stopping the other app`)
      stopAll(code || 1)
    }
  })
}
process.on('SIGINT', () => stopAll(0))
process.on('SIGTERM', () => stopAll(0))
