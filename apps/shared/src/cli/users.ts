/**
 * `pnpm users add|seed|list` against DB_PATH (default data/auth-lab.db).
 *   add <username> --password <pw> [--role admin] [--disabled]
 *   seed --count N --prefix <p> --password <pw>   (one argon2 hash shared by the batch: 1,000 users in about a second)
 *   list [--limit N]
 *   disable <username> | enable <username>
 * `disable` goes through the store (`setDisabled`), which also ends every credential of the user in both apps (the
 * credential epoch): an `UPDATE users SET disabled = 1` by hand does not, and re-enabling the account would then
 * bring every old session, refresh family and access token back (session 10 review).
 */
import { parseArgs } from 'node:util'
import { readCommonConfig } from '../config/env.js'
import { defaultDbPath } from '../db/paths.js'
import { openSharedDeps } from '../shared-deps.js'
import { checkPassword } from '../users/sqlite-user-store.js'
import { UserStoreError } from '../users/user-store.js'
import { parseUsername } from '../users/username.js'

const USAGE = `usage:
  pnpm users add <username> --password <pw> [--role user|admin] [--disabled]
  pnpm users seed --count N --prefix <prefix> --password <pw> [--role user|admin]
  pnpm users list [--limit N]
  pnpm users disable <username>     (also ends every session and token of the user, in both apps)
  pnpm users enable <username>      (brings none of them back)`

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      password: { type: 'string' },
      role: { type: 'string', default: 'user' },
      disabled: { type: 'boolean', default: false },
      count: { type: 'string' },
      prefix: { type: 'string', default: 'user' },
      limit: { type: 'string', default: '100' },
      help: { type: 'boolean', short: 'h' },
    },
  })
  const [command, ...rest] = positionals
  if (values.help || !command) {
    console.log(USAGE)
    return values.help ? 0 : 2
  }
  const role = values.role
  if (role !== 'user' && role !== 'admin') return fail('--role must be user or admin')
  const config = readCommonConfig(process.env, { port: 0, dbPath: defaultDbPath(), app: 'cli' })
  const deps = openSharedDeps({
    app: 'cli',
    dbPath: config.dbPath,
    argon2: config.argon2,
    throttle: config.throttle,
  })
  try {
    switch (command) {
      case 'add': {
        const username = rest[0]
        if (!username || !values.password) return fail('add needs <username> and --password')
        const u = await deps.users.create({
          username,
          password: values.password,
          role,
          disabled: values.disabled,
        })
        console.log(
          `created user ${u.username} (id ${u.id}, role ${u.role}${u.disabled ? ', disabled' : ''})`,
        )
        return 0
      }
      case 'seed': {
        const count = Number(values.count)
        if (!Number.isInteger(count) || count < 1 || count > 1_000_000)
          return fail('--count must be 1..1000000')
        if (!values.password) return fail('seed needs --password')
        checkPassword(values.password)
        const started = performance.now()
        const hash = await deps.hasher.hash(values.password)
        const names = Array.from({ length: count }, (_, i) => `${values.prefix}${i + 1}`)
        const created = deps.users.createMany(names, hash, role)
        const ms = Math.round(performance.now() - started)
        console.log(
          `seeded ${created} new users (${count - created} existed) as ${names[0]}..${names.at(-1)} in ${ms} ms`,
        )
        return 0
      }
      case 'list': {
        const rows = deps.users.list({ limit: Number(values.limit) || 100 })
        const total = deps.users.count()
        console.log(
          `${total} users in ${config.dbPath}${rows.length < total ? ` (the first ${rows.length}; --limit N for more)` : ''}`,
        )
        for (const u of rows) {
          console.log(
            `${String(u.id).padStart(6)}  ${u.username.padEnd(24)} ${u.role.padEnd(6)} v${u.tokenVersion}${u.disabled ? '  disabled' : ''}`,
          )
        }
        return 0
      }
      case 'disable':
      case 'enable': {
        const name = rest[0] ? parseUsername(rest[0]) : null
        const user = name ? deps.users.findByUsername(name) : null
        if (!user) return fail(`${command} needs the <username> of an existing user`)
        deps.users.setDisabled(user.id, command === 'disable')
        console.log(
          command === 'disable'
            ? `disabled ${user.username} (id ${user.id}); every session and token of the user is ended`
            : `enabled ${user.username} (id ${user.id}); the user must log in again`,
        )
        return 0
      }
      default:
        return fail(`unknown command "${command}"`)
    }
  } catch (err) {
    if (err instanceof UserStoreError) return fail(err.message)
    throw err
  } finally {
    deps.db.close()
  }
}

function fail(message: string): number {
  console.error(`error: ${message}\n${USAGE}`)
  return 2
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err) => {
    console.error(err instanceof Error ? err.message : err)
    process.exit(1)
  },
)
