import { type AppServer, type Cred, leaks, METRICS_AUTH, type Res, request } from '@auth-lab/test'
import type { CaseContext, Check, Target } from './types.js'

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms))
export const nowS = () => Math.floor(Date.now() / 1000)

/** REJECT-B: 401, `WWW-Authenticate: Bearer … error="invalid_token"`, nothing leaked, never 500. */
export function isRejectB(res: Res): boolean {
  const www = res.headers.get('www-authenticate') ?? ''
  return res.status === 401 && /^Bearer\b/i.test(www) && /error="invalid_token"/.test(www) && !leaks(res.text)
}

/** REJECT-A: 401 `unauthenticated`, nothing leaked. */
export function isRejectA(res: Res): boolean {
  return res.status === 401 && res.json?.error === 'unauthenticated' && !leaks(res.text)
}

export function isReject(app: Target, res: Res): boolean {
  return app === 'stateful' ? isRejectA(res) : isRejectB(res)
}

export function describeRes(res: Res): string {
  const www = res.headers.get('www-authenticate')
  const err = typeof res.json?.error === 'string' ? ` ${res.json.error}` : ''
  return `${res.status}${err}${www && /error="([^"]+)"/.test(www) ? ` [${/error="([^"]+)"/.exec(www)?.[1]}]` : ''}`
}

/**
 * Sends each token variant to `/me` on the verifier. For the real app every one must be REJECT-B; for the naive
 * verifier the accepted ones are recorded (that is the C11 evidence). Returns the accepted labels.
 */
export async function probeTokens(
  check: Check,
  target: Target,
  verifierUrl: string,
  variants: readonly { label: string; token: string }[],
  prefix = '',
): Promise<string[]> {
  const accepted: string[] = []
  const statuses = new Map<string, number>()
  for (const v of variants) {
    const res = await request(verifierUrl, 'GET', '/me', { headers: { authorization: `Bearer ${v.token}` } })
    const key = describeRes(res)
    statuses.set(key, (statuses.get(key) ?? 0) + 1)
    if (res.status === 200) accepted.push(v.label)
    if (target !== 'naive') check.that(isRejectB(res), `${v.label}: ${describeRes(res)}`)
    else check.that(res.status !== 200, `accepted ${v.label}`)
  }
  check.accepted.push(...accepted)
  const summary = [...statuses].map(([k, n]) => `${n}× ${k}`).join(', ')
  check.note(
    prefix +
      (accepted.length === 0
        ? `all ${variants.length} refused (${summary})`
        : `accepted ${accepted.length}/${variants.length}: ${accepted.join(', ')}`),
  )
  return accepted
}

/** Logs a fixture user in and fails the case (by throwing) if that does not work: every later step needs it. */
export async function mustLogin(
  ctx: CaseContext,
  server: AppServer,
  username: string,
  password: string,
): Promise<Cred> {
  const { res, cred } = await ctx.adapter(server.app).login(server, username, password)
  if (!cred) throw new Error(`login as ${username} failed: ${res.status} ${res.text.slice(0, 120)}`)
  return cred
}

/** Reads `auth_lab_logins_total` by outcome from /metrics (to prove "no hash was computed"). */
export async function loginCounts(server: AppServer): Promise<Record<string, number>> {
  const res = await request(server.url, 'GET', '/metrics', { headers: METRICS_AUTH })
  const out: Record<string, number> = {}
  for (const line of res.text.split('\n')) {
    const m = /^auth_lab_logins_total\{([^}]*)\}\s+([0-9.e+]+)/.exec(line)
    if (!m) continue
    const outcome = /outcome="([^"]+)"/.exec(m[1] ?? '')?.[1] ?? '?'
    out[outcome] = (out[outcome] ?? 0) + Number(m[2])
  }
  return out
}

export function metricValue(text: string, name: string): number | undefined {
  const m = new RegExp(`^${name}(?:\\{[^}]*\\})?\\s+([0-9.e+]+)`, 'm').exec(text)
  return m ? Number(m[1]) : undefined
}

/** Header names of a response, minus the ones that differ per request by nature. */
export function headerNames(res: Res): string {
  const skip = new Set(['date', 'server-timing', 'keep-alive', 'connection'])
  return [...res.headers.keys()]
    .filter((h) => !skip.has(h))
    .sort()
    .join(',')
}
