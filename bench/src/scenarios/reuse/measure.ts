/**
 * Refresh-token reuse race (claim C7 "rotation makes a stolen refresh token usable once"), the measuring half;
 * report.ts turns the rows into a report section.
 *
 * A victim logs in; an attacker copies the victim's refresh cookie (not the access token). Then both use that one
 * token, in four orders: attacker first, victim first, both at once, and attacker first while the victim stays away
 * for several of the attacker's rotations (victim-idle). After the race each party keeps refreshing its own chain
 * every `gapMs` (as a client does at each access-token expiry) until the server refuses it. One server per variant:
 * strict rotation (REFRESH_GRACE=0) and grace windows, under REVOCATION=denylist (reuse also cuts the family's
 * access tokens) and, for contrast, REVOCATION=none (it cannot). Every case is a fresh user; all run at once.
 */
import { rmSync } from 'node:fs'
import { dirname } from 'node:path'
import type { Credential, Outcome } from '../../lib/client.js'
import { authHeaders, lastCookie, login, meStatus } from '../../lib/client.js'
import { type ConfigId, pickApp } from '../../lib/configs.js'
import type { ServerHandle } from '../../lib/processes.js'
import { sleep, startServer, tempDbPath } from '../../lib/processes.js'
import { startMany } from '../../lib/start-many.js'
import { seedUsers } from '../../lib/users.js'
import type { RunOptions } from '../../report/schema.js'

export type Order = 'attacker-first' | 'victim-first' | 'simultaneous' | 'victim-idle'
export type Party = 'attacker' | 'victim'
export const ORDERS: readonly Order[] = ['attacker-first', 'victim-first', 'simultaneous', 'victim-idle']

export interface ReuseVariant {
  id: string
  config: ConfigId
  graceSec: number
}

export interface ReuseSizes {
  variants: readonly ReuseVariant[]
  orders: readonly Order[]
  /** ms between two parties' refreshes (sequential orders) and between follow-up rounds. */
  gapMs: number
  /** Rounds in which each party refreshes its own chain after the race. */
  followUps: number
  /** victim-idle: rotations the attacker makes before the victim comes back. */
  idleRotations: number
}

const variant = (graceSec: number, config: ConfigId = 'stateless-hs256-denylist'): ReuseVariant => ({
  id: `grace-${graceSec}s${config === 'stateless-hs256-none' ? '-none' : ''}`,
  config,
  graceSec,
})

export function reuseSizes(options: Pick<RunOptions, 'quick'>): ReuseSizes {
  return {
    variants: options.quick
      ? [variant(0), variant(10)]
      : [variant(0), variant(2), variant(10), variant(0, 'stateless-hs256-none')],
    orders: ORDERS,
    gapMs: 300,
    followUps: options.quick ? 2 : 3,
    idleRotations: options.quick ? 3 : 5,
  }
}

/** Every case runs at once: the starts overlap the longest case (victim-idle), then the final probes (measured 4.1 s full). */
export function reuseEstimateSec(s: ReuseSizes): number {
  return 0.5 + ((s.idleRotations + 2 * s.followUps + 2) * s.gapMs) / 1000
}

export interface RefreshEvent {
  party: Party
  /** ms since the stolen token was first presented. */
  atMs: number
  status: Outcome
  /** The error code of a refusal (`refresh_token_reused`, `invalid_refresh_token`), null on success. */
  code: string | null
}

export interface ReuseRow {
  variant: string
  graceSec: number
  revocation: string
  order: Order
  events: RefreshEvent[]
  /** Access tokens the attacker obtained (its successful refreshes). */
  attackerTokens: number
  /** ms from the first use of the stolen token to the refusal that revoked the family; null if it never died. */
  familyDiedMs: number | null
  /** Who presented the token that revealed the reuse. */
  detectedBy: Party | null
  /** The victim's refresh chain ended: it must log in again (the price of detection). */
  victimLoggedOut: boolean
  /** /me with the attacker's newest access token at the end (200 = still usable after the family died). */
  attackerAccessAtEnd: Outcome | null
  victimAccessAtEnd: Outcome | null
}

/** POST /auth/refresh that also reads the error code of a refusal (the shared client only keeps the status). */
async function refreshCoded(
  base: string,
  cred: Credential,
): Promise<{ cred: Credential; status: Outcome; code: string | null }> {
  if (!cred.refresh) return { cred, status: 401, code: 'no_refresh_cookie' }
  let res: Response
  try {
    res = await fetch(`${base}/auth/refresh`, {
      method: 'POST',
      headers: authHeaders({ ...cred, access: undefined }, '/auth/refresh'),
      signal: AbortSignal.timeout(10_000),
    })
  } catch {
    return { cred, status: 'error', code: null }
  }
  const next: Credential = { ...cred }
  const rt = lastCookie(res.headers.getSetCookie(), ['rt', '__Secure-rt'])
  if (rt !== undefined) next.refresh = rt.endsWith('=') ? undefined : rt
  const body = (await res.json().catch(() => ({}))) as { access_token?: string; error?: string }
  if (res.status === 200 && typeof body.access_token === 'string') next.access = body.access_token
  return { cred: next, status: res.status, code: res.status === 200 ? null : (body.error ?? null) }
}

async function oneCase(
  url: string,
  v: ReuseVariant,
  order: Order,
  username: string,
  s: ReuseSizes,
): Promise<ReuseRow> {
  const victimLogin = await login(url, 'stateless', username)
  // The thief copied the refresh cookie only; the victim's access token stays with the victim.
  const creds: Record<Party, Credential> = {
    victim: victimLogin,
    attacker: { ...victimLogin, access: undefined },
  }
  const events: RefreshEvent[] = []
  const t0 = performance.now()
  const act = async (party: Party) => {
    const r = await refreshCoded(url, creds[party])
    creds[party] = r.cred
    events.push({ party, atMs: Math.round(performance.now() - t0), status: r.status, code: r.code })
  }
  if (order === 'simultaneous') await Promise.all([act('attacker'), act('victim')])
  else if (order === 'victim-idle') {
    for (let i = 0; i < s.idleRotations; i++) {
      await act('attacker')
      await sleep(s.gapMs)
    }
    await act('victim')
  } else {
    const [first, second]: Party[] =
      order === 'victim-first' ? ['victim', 'attacker'] : ['attacker', 'victim']
    await act(first as Party)
    await sleep(s.gapMs)
    await act(second as Party)
  }
  const sequence: Party[] = order === 'victim-first' ? ['victim', 'attacker'] : ['attacker', 'victim']
  for (let k = 0; k < s.followUps; k++) {
    for (const p of sequence) {
      if (!creds[p].refresh) continue
      await sleep(s.gapMs)
      await act(p)
    }
  }
  const reuse = events.find((e) => e.code === 'refresh_token_reused')
  const ok = (e: RefreshEvent) => e.status === 200
  return {
    variant: v.id,
    graceSec: v.graceSec,
    revocation: pickApp(v.config).env.REVOCATION ?? 'denylist',
    order,
    events,
    attackerTokens: events.filter((e) => e.party === 'attacker' && ok(e)).length,
    familyDiedMs: reuse?.atMs ?? null,
    detectedBy: reuse?.party ?? null,
    victimLoggedOut: creds.victim.refresh === undefined,
    attackerAccessAtEnd: creds.attacker.access ? await meStatus(url, creds.attacker) : null,
    victimAccessAtEnd: creds.victim.access ? await meStatus(url, creds.victim) : null,
  }
}

export async function measureReuse(s: ReuseSizes, progress?: (line: string) => void): Promise<ReuseRow[]> {
  const dbPaths = s.variants.map(() => tempDbPath('auth-lab-reuse-'))
  let handles: ServerHandle[] = []
  try {
    progress?.(`reuse: starting ${s.variants.length} servers (${s.variants.map((v) => v.id).join(', ')})`)
    const users = await Promise.all(
      dbPaths.map((p) => seedUsers(p, { count: s.orders.length, prefix: 'reuse-' })),
    )
    handles = await startMany(
      s.variants.map((v, i) => () => {
        const app = pickApp(v.config)
        return startServer({
          kind: app.kind,
          env: { ...app.env, REFRESH_GRACE: String(v.graceSec) },
          dbPath: dbPaths[i] as string,
          label: `reuse-${v.id}`,
          healthTimeoutMs: 60_000,
        })
      }),
    )
    progress?.(`reuse: ${s.orders.length} races on each server, follow-ups every ${s.gapMs} ms`)
    const rows = await Promise.all(
      s.variants.flatMap((v, i) =>
        s.orders.map((order, j) =>
          oneCase((handles[i] as ServerHandle).url, v, order, (users[i] as string[])[j] as string, s),
        ),
      ),
    )
    return rows
  } finally {
    await Promise.all(handles.map((h) => h.stop('SIGKILL')))
    for (const p of dbPaths) rmSync(dirname(p), { recursive: true, force: true })
  }
}
