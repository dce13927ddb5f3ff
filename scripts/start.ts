/**
 * `pnpm start`: the side-by-side lab on http://localhost:3000/ and the apps behind it, on the embedded SQLite default
 * (data/auth-lab.db). Creates the demo users if absent and prints their credentials, then starts the lab front,
 * which runs three child servers: the stateful app on 3001, the stateless app (REVOCATION=denylist) on 3002 and the
 * stateless app in pure mode (REVOCATION=none) on 3003. Each app stays directly reachable on its port with its own
 * page. Logs are prefixed per server. Ctrl-C stops the front and every child (by PID).
 * `--redis` (or REDIS_URL): sessions, refresh state, the deny-list and the login throttle in Redis (redis-mode.ts
 * starts a local redis-server when no REDIS_URL is given); users stay in the SQLite file.
 * `pnpm start --https` (or LAB_HTTPS=1): the lab on https://localhost:3000/ with a self-signed certificate made by
 * openssl into data/tls/, and the apps with COOKIE_SECURE=1 (`__Host-sid`, `__Secure-rt`, Secure) and HSTS.
 */

import { readLabConfig, startLab } from '@auth-lab/lab'
import {
  DEMO_USERS,
  defaultDbPath,
  ensureDemoUsers,
  openSharedDeps,
  readCommonConfig,
  repoRoot,
} from '@auth-lab/shared'
import { startRedisMode } from './redis-mode.js'

const dbPath = process.env.DB_PATH ?? defaultDbPath()
const COLORS: Record<string, number> = { lab: 32, stateful: 36, stateless: 35, 'stateless-none': 33 }

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
    const notes = [
      u.role === 'admin' ? 'admin' : '',
      'disabled' in u && u.disabled ? 'disabled: login always fails' : '',
    ]
    console.log(
      `  ${u.username.padEnd(6)} / ${u.password}${notes.some(Boolean) ? `  (${notes.filter(Boolean).join(', ')})` : ''}`,
    )
  }
}

function log(id: string, line: string): void {
  const tag = process.stdout.isTTY ? `\x1b[${COLORS[id] ?? 37}m[${id}]\x1b[0m` : `[${id}]`
  console.log(`${tag} ${line}`)
}

await seedDemoUsers()
// Sets REDIS_URL / SESSION_STORE / TOKEN_STORE in process.env, which the lab's child servers inherit.
const redis = await startRedisMode(process.argv.slice(2), repoRoot())
const https = process.argv.slice(2).includes('--https')
const config = readLabConfig({ ...process.env, ...(https ? { LAB_HTTPS: '1' } : {}), DB_PATH: dbPath })
const lab = await startLab(config, { log })
const ports = Object.fromEntries(config.instances.map((i) => [i.id, i.port]))
console.log(
  `Open ${lab.url}/ (the lab: both flows side by side). Each app's own page: http://localhost:${ports.stateful}/ ` +
    `(sessions), http://localhost:${ports.stateless}/ (JWT, denylist), http://localhost:${ports['stateless-none']}/ ` +
    '(JWT, none). Ctrl-C stops everything.',
)
if (config.https)
  console.log(
    `HTTPS mode: self-signed certificate in ${config.tlsDir} (accept the browser's warning once). The apps run with ` +
      'COOKIE_SECURE=1: cookies __Host-sid / __Secure-rt with Secure, and HSTS.',
  )

let stopping = false
function stop(code: number): void {
  if (stopping) return
  stopping = true
  setTimeout(() => process.exit(code), 8000).unref()
  lab.stop().then(
    () => {
      redis?.stop() // after the apps closed their connections
      process.exit(code)
    },
    () => process.exit(1),
  )
}
process.on('SIGINT', () => stop(0))
process.on('SIGTERM', () => stop(0))
