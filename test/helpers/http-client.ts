import { parseSetCookie, type SetCookie } from './cookies.js'

/** What every helper request returns: status, headers, body (text and parsed JSON), cookies set, and the time. */
export interface Res {
  status: number
  headers: Headers
  text: string
  // biome-ignore lint/suspicious/noExplicitAny: a test reads arbitrary JSON bodies field by field
  json: any
  setCookies: SetCookie[]
  /** The LAST Set-Cookie of that name (browsers keep the last one). */
  cookie(name: string): SetCookie | undefined
  ms: number
}

export interface ReqOptions {
  /** Request headers; a value of '' leaves that header out. */
  headers?: Record<string, string>
  /** Serialised with Content-Type: application/json unless a content-type header is given. */
  json?: unknown
  body?: string | Uint8Array
  /** Sent as one Cookie header (name=value; …). */
  cookies?: Record<string, string>
  timeoutMs?: number
}

export async function request(
  baseUrl: string,
  method: string,
  path: string,
  opts: ReqOptions = {},
): Promise<Res> {
  // An empty string means "leave this header out" (so a case can drop the same-origin defaults).
  const headers: Record<string, string> = Object.fromEntries(
    Object.entries(opts.headers ?? {}).filter(([, v]) => v !== ''),
  )
  let body: string | Uint8Array | undefined = opts.body
  if (opts.json !== undefined) {
    body = JSON.stringify(opts.json)
    if (!Object.keys(headers).some((h) => h.toLowerCase() === 'content-type'))
      headers['content-type'] = 'application/json'
  }
  if (opts.cookies && Object.keys(opts.cookies).length > 0) {
    const jar = Object.entries(opts.cookies)
      .map(([k, v]) => `${k}=${v}`)
      .join('; ')
    headers.cookie = headers.cookie ? `${headers.cookie}; ${jar}` : jar
  }
  const started = performance.now()
  const res = await fetch(`${baseUrl}${path}`, {
    method,
    headers,
    body: body as BodyInit | undefined,
    redirect: 'manual',
    signal: AbortSignal.timeout(opts.timeoutMs ?? 15_000),
  })
  const text = method === 'HEAD' ? '' : await res.text()
  const ms = performance.now() - started
  let json: unknown
  try {
    json = text ? JSON.parse(text) : undefined
  } catch {
    json = undefined
  }
  const setCookies = res.headers.getSetCookie().map(parseSetCookie)
  return {
    status: res.status,
    headers: res.headers,
    text,
    json,
    setCookies,
    cookie: (name) => setCookies.filter((c) => c.name === name).at(-1),
    ms,
  }
}

/** Headers a same-origin browser request would carry on a state-changing call. */
export function sameOrigin(origin: string): Record<string, string> {
  return { origin, 'sec-fetch-site': 'same-origin' }
}

/** Text that must never reach a client: library names, stack frames, SQL errors. */
export const LEAK_PATTERN = /ERR_J|JOSE|JWS|SyntaxError|at .*\(|SQLITE|stack/i

/**
 * A compact JWS or JWE (3 or 5 base64url segments, JWE's may be empty). Its bytes are random, and matched
 * case-insensitively they spell "jws" or "jose" now and then: a login's access token did once (T15, CI), and the
 * check reported a leak that was not one.
 */
const COMPACT_JOSE = /[A-Za-z0-9_-]{8,}(?:\.[A-Za-z0-9_-]*){2,4}/g

/** Whether a body carries LEAK_PATTERN text outside the tokens it legitimately returns. */
export function leaks(text: string): boolean {
  return LEAK_PATTERN.test(text.replace(COMPACT_JOSE, '<token>'))
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b)
  const mid = Math.floor(s.length / 2)
  return s.length % 2 ? (s[mid] ?? 0) : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2
}

export function percentile(xs: readonly number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))] ?? 0
}
