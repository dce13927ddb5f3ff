import type { InstanceSpec } from './config.js'

/**
 * The lab's pocket: credentials held OUTSIDE the browser, by the lab server, standing for another party.
 * - `thief`: a copy of a cookie taken off the wire (the proxy's X-Lab-Steal) or an access token the page handed
 *   over, replayed later from "elsewhere" (replay after logout, refresh-token reuse);
 * - `device-b`: a second device of the same user that logs in directly, so "revoke another device" has a victim
 *   whose next request we can watch.
 * Requests from the pocket go straight to the instance (no Origin, like a script on another machine).
 */
export type Slot = 'thief' | 'device-b'

export interface PocketEntry {
  cookieName?: string
  cookie?: string
  accessToken?: string
}

export interface PocketRequest {
  method: 'GET' | 'POST' | 'DELETE'
  path: string
  json?: unknown
  /** Send the pocket's cookie / Bearer token (default: whatever the pocket holds). */
  cookie?: boolean
  bearer?: boolean
}

export interface PocketResult {
  status: number
  body: unknown
  sent: { cookie: string | null; bearer: boolean }
}

export class Pocket {
  private readonly entries = new Map<string, PocketEntry>()

  put(instance: string, slot: Slot, entry: PocketEntry): void {
    this.entries.set(`${instance}:${slot}`, { ...this.get(instance, slot), ...entry })
  }

  get(instance: string, slot: Slot): PocketEntry {
    return this.entries.get(`${instance}:${slot}`) ?? {}
  }

  clear(instance: string, slot: Slot): void {
    this.entries.delete(`${instance}:${slot}`)
  }

  /** What the pocket holds, without values: names and sizes only. */
  describe(instance: string, slot: Slot) {
    const e = this.get(instance, slot)
    return {
      cookie: e.cookie !== undefined ? { name: e.cookieName, chars: e.cookie.length } : null,
      accessToken: e.accessToken !== undefined ? { chars: e.accessToken.length } : null,
    }
  }

  async send(spec: InstanceSpec, slot: Slot, req: PocketRequest): Promise<PocketResult> {
    const e = this.get(spec.id, slot)
    const headers: Record<string, string> = { 'user-agent': `Auth Lab (${slot})` }
    const useCookie = req.cookie !== false && e.cookie !== undefined && e.cookieName !== undefined
    if (useCookie) headers.cookie = `${e.cookieName}=${e.cookie}`
    const useBearer = req.bearer !== false && e.accessToken !== undefined
    if (useBearer) headers.authorization = `Bearer ${e.accessToken}`
    if (req.json !== undefined) headers['content-type'] = 'application/json'
    const res = await fetch(`http://127.0.0.1:${spec.port}${req.path}`, {
      method: req.method,
      headers,
      body: req.json === undefined ? undefined : JSON.stringify(req.json),
      signal: AbortSignal.timeout(30_000),
    })
    const text = await res.text()
    let body: unknown = text
    try {
      body = text ? JSON.parse(text) : null
    } catch {
      // not JSON: keep the text
    }
    this.absorb(spec.id, slot, res, body)
    return {
      status: res.status,
      body,
      sent: { cookie: useCookie ? (e.cookieName ?? null) : null, bearer: useBearer },
    }
  }

  /** Keeps what the server handed this party: a (rotated or cleared) cookie, a new access token. */
  private absorb(instance: string, slot: Slot, res: Response, body: unknown): void {
    const e = { ...this.get(instance, slot) }
    for (const sc of res.headers.getSetCookie()) {
      const first = sc.split(';', 1)[0] ?? ''
      const eq = first.indexOf('=')
      const name = first.slice(0, eq)
      const value = first.slice(eq + 1)
      const clearing = value === '' || /;\s*max-age=0/i.test(sc)
      if (clearing) {
        if (e.cookieName === name) {
          e.cookie = undefined
        }
      } else {
        e.cookieName = name
        e.cookie = value
      }
    }
    if (body && typeof body === 'object' && 'access_token' in body && typeof body.access_token === 'string') {
      e.accessToken = body.access_token
    }
    this.entries.set(`${instance}:${slot}`, e)
  }
}
