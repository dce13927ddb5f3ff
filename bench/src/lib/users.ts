import { openSharedDeps, TEST_COST } from '@auth-lab/shared'

/** Password every seeded benchmark user gets (8+ characters as the apps require). */
export const BENCH_PASSWORD = 'bench-password-1'

export interface SeedOptions {
  count: number
  /** Usernames are `<prefix><i>` (default `bench-user-`); must stay within the username rules (3–64, [a-z0-9._-]). */
  prefix?: string
  password?: string
}

/**
 * Creates `count` users in the DB file at `dbPath` (migrating it if new) with ONE precomputed argon2 hash at the
 * cheap test cost, so seeding 10k users takes well under a second and their logins are fast. Safe while a server
 * has the file open (WAL). Returns the usernames.
 */
export async function seedUsers(dbPath: string, opts: SeedOptions): Promise<string[]> {
  const prefix = opts.prefix ?? 'bench-user-'
  const deps = openSharedDeps({
    app: 'bench-seed',
    dbPath,
    argon2: TEST_COST,
    throttle: { maxFailuresPerUser: 5, maxFailuresPerIp: 50, windowSeconds: 900 },
  })
  try {
    const hash = await deps.hasher.hash(opts.password ?? BENCH_PASSWORD)
    const names = Array.from({ length: opts.count }, (_, i) => `${prefix}${i}`)
    deps.users.createMany(names, hash)
    return names
  } finally {
    deps.db.close()
  }
}

/** What one logged-in user sends on every authenticated request. */
export interface Credential {
  username: string
  /** Headers to add to authenticated requests: `cookie` (stateful) or `authorization` (stateless). */
  headers: Record<string, string>
  /** Stateful: `sid=…` (the LAST Set-Cookie of that name, as the contract says). */
  cookie?: string
  /** Stateless: the raw access token (JWS or JWE). */
  accessToken?: string
  /** Stateless: `rt=…`, to send to /auth/refresh or /auth/logout. */
  refreshCookie?: string
  /** The user id from the login body. */
  userId?: number
}

/** Which app a login talks to decides where the credential lives. */
export type AppKind = 'stateful' | 'stateless'

const SESSION_COOKIES = ['sid', '__Host-sid']
const REFRESH_COOKIES = ['rt', '__Secure-rt']

/** The last `name=value` pair among Set-Cookie headers whose name is one of `names` (ignores attributes). */
export function lastCookie(setCookies: string[], names: string[]): string | undefined {
  let found: string | undefined
  for (const sc of setCookies) {
    const pair = sc.split(';', 1)[0]?.trim() ?? ''
    const name = pair.slice(0, pair.indexOf('='))
    if (names.includes(name)) found = pair
  }
  return found
}

/** Logs one user in and returns their credential; throws with the status and body on anything but 200. */
export async function loginUser(
  baseUrl: string,
  kind: AppKind,
  username: string,
  password = BENCH_PASSWORD,
): Promise<Credential> {
  const res = await fetch(`${baseUrl}/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  })
  const text = await res.text()
  if (res.status !== 200)
    throw new Error(`login of ${username} at ${baseUrl} answered ${res.status}: ${text}`)
  const body = JSON.parse(text) as { user?: { id?: number }; access_token?: string }
  const setCookies = res.headers.getSetCookie()
  if (kind === 'stateful') {
    const cookie = lastCookie(setCookies, SESSION_COOKIES)
    if (!cookie) throw new Error(`login of ${username} at ${baseUrl} set no session cookie`)
    return { username, headers: { cookie }, cookie, userId: body.user?.id }
  }
  if (!body.access_token) throw new Error(`login of ${username} at ${baseUrl} returned no access_token`)
  return {
    username,
    headers: { authorization: `Bearer ${body.access_token}` },
    accessToken: body.access_token,
    refreshCookie: lastCookie(setCookies, REFRESH_COOKIES),
    userId: body.user?.id,
  }
}

/** Logs in every username (a few at a time) and returns the credentials in the same order. */
export async function loginUsers(
  baseUrl: string,
  kind: AppKind,
  usernames: string[],
  opts: { password?: string; concurrency?: number } = {},
): Promise<Credential[]> {
  const out: Credential[] = new Array(usernames.length)
  let next = 0
  const worker = async () => {
    while (next < usernames.length) {
      const i = next++
      out[i] = await loginUser(baseUrl, kind, usernames[i]!, opts.password)
    }
  }
  await Promise.all(Array.from({ length: Math.min(opts.concurrency ?? 8, usernames.length) }, worker))
  return out
}

/** Bytes one credential adds to each request: the header line as sent (`name: value\r\n`). */
export function credentialBytes(headers: Record<string, string>): number {
  let n = 0
  for (const [k, v] of Object.entries(headers)) n += Buffer.byteLength(`${k}: ${v}\r\n`)
  return n
}
