import { ConfigError } from '@auth-lab/shared'
import { readConfig } from '../config.js'
import { listKeys, rotateKeys } from '../tokens/keys.js'

/**
 * `pnpm --filter @auth-lab/stateless keys rotate|list` — works on the key file of the configured JWT_ALG (and
 * ACCESS_TOKEN_FORMAT) under JWT_KEYS_DIR (default `<dirname(DB_PATH)>/keys`).
 * rotate: appends a new current key; previous keys keep verifying for ACCESS_TTL + CLOCK_TOLERANCE, so nobody is
 * logged out; running servers reload the file within seconds. list: kids, algorithms and dates, never key material.
 */
const USAGE = 'usage: keys rotate | keys list   (env: JWT_ALG, ACCESS_TOKEN_FORMAT, JWT_KEYS_DIR, DB_PATH)'

async function main(argv: string[]): Promise<number> {
  if (argv[0] === '--help' || argv[0] === '-h') {
    console.log(USAGE)
    return 0
  }
  const config = readConfig(process.env)
  if (config.jwt.secret !== undefined) {
    console.error(
      'JWT_SECRET is set: the key is the secret itself; rotate by changing JWT_SECRET (see docs).',
    )
    return 1
  }
  if (config.jwt.keys === 'ephemeral') {
    console.error('JWT_KEYS=ephemeral keeps keys in memory only; there is no file to rotate.')
    return 1
  }
  const [command] = argv
  if (command === 'rotate') {
    const r = await rotateKeys(config.jwt, Date.now(), config.jobs.keyReloadIntervalSeconds)
    console.log(`new current key ${r.current} in ${r.file}`)
    console.log(`keys in the file (still verifying): ${r.kept.join(', ')}`)
    return 0
  }
  if (command === 'list') {
    const l = listKeys(config.jwt)
    if (!l) {
      console.log('no key file yet (the server creates it on first start, or run `keys rotate`)')
      return 0
    }
    console.log(l.file)
    for (const k of l.keys) {
      console.log(
        `${k.kid === l.current ? '* ' : '  '}${k.kid}  ${k.alg}  created ${new Date(k.createdAt).toISOString()}`,
      )
    }
    return 0
  }
  console.error(USAGE)
  return 2
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err) => {
    console.error(err instanceof ConfigError ? `configuration error: ${err.message}` : err)
    process.exit(1)
  },
)
