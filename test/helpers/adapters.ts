import { type ReqOptions, type Res, request, sameOrigin } from './http-client.js'
import type { AppName, AppServer } from './server.js'

/**
 * What differs between the two apps, and nothing else: how a login turns into a credential (session cookie vs
 * Bearer token + refresh cookie) and how that credential rides on a request. The contract suite and the attack
 * cases are written once against this interface.
 */
export interface Cred {
  app: AppName
  /** stateful: the session cookie value. */
  sid?: string
  /** stateless: the access token and the refresh cookie value. */
  access?: string
  refresh?: string
}

export interface Adapter {
  app: AppName
  mechanism: 'session' | 'jwt'
  /** Name of the cookie the app sets at login (session ID or refresh token). */
  cookieName(server: AppServer): string
  login(
    server: AppServer,
    username: string,
    password: string,
    opts?: ReqOptions,
  ): Promise<{ res: Res; cred?: Cred }>
  /** Sends a request carrying the credential the way the app expects it; unsafe methods also send same-origin headers. */
  send(
    server: AppServer,
    cred: Cred | undefined,
    method: string,
    path: string,
    opts?: ReqOptions,
  ): Promise<Res>
  me(server: AppServer, cred: Cred | undefined): Promise<Res>
  logout(server: AppServer, cred: Cred): Promise<Res>
  logoutAll(server: AppServer, cred: Cred): Promise<Res>
  sessions(server: AppServer, cred: Cred): Promise<Res>
  revoke(server: AppServer, cred: Cred, id: string): Promise<Res>
  changePassword(
    server: AppServer,
    cred: Cred,
    current: string,
    next: string,
  ): Promise<{ res: Res; cred?: Cred }>
}

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE'])

function withSameOrigin(server: AppServer, method: string, opts: ReqOptions): ReqOptions {
  if (!UNSAFE.has(method)) return opts
  return { ...opts, headers: { ...sameOrigin(server.origin), ...opts.headers } }
}

export const statefulAdapter: Adapter = {
  app: 'stateful',
  mechanism: 'session',
  cookieName: (server) => (server.env.COOKIE_SECURE === '1' ? '__Host-sid' : 'sid'),
  async login(server, username, password, opts = {}) {
    const res = await request(
      server.url,
      'POST',
      '/auth/login',
      withSameOrigin(server, 'POST', { json: { username, password }, ...opts }),
    )
    const c = res.cookie(this.cookieName(server))
    return { res, cred: res.status === 200 && c?.value ? { app: 'stateful', sid: c.value } : undefined }
  },
  send(server, cred, method, path, opts = {}) {
    const cookies = cred?.sid ? { [this.cookieName(server)]: cred.sid, ...opts.cookies } : opts.cookies
    return request(server.url, method, path, withSameOrigin(server, method, { ...opts, cookies }))
  },
  me(server, cred) {
    return this.send(server, cred, 'GET', '/me')
  },
  logout(server, cred) {
    return this.send(server, cred, 'POST', '/auth/logout')
  },
  logoutAll(server, cred) {
    return this.send(server, cred, 'POST', '/auth/logout-all')
  },
  sessions(server, cred) {
    return this.send(server, cred, 'GET', '/auth/sessions')
  },
  revoke(server, cred, id) {
    return this.send(server, cred, 'DELETE', `/auth/sessions/${encodeURIComponent(id)}`)
  },
  async changePassword(server, cred, current, next) {
    const res = await this.send(server, cred, 'POST', '/auth/password', {
      json: { current_password: current, new_password: next },
    })
    const c = res.cookie(this.cookieName(server))
    const sid = c?.value ? c.value : undefined
    return { res, cred: res.status < 300 ? { app: 'stateful', sid: sid ?? cred.sid } : undefined }
  },
}

export const statelessAdapter: Adapter = {
  app: 'stateless',
  mechanism: 'jwt',
  cookieName: (server) => (server.env.COOKIE_SECURE === '1' ? '__Secure-rt' : 'rt'),
  async login(server, username, password, opts = {}) {
    const res = await request(
      server.url,
      'POST',
      '/auth/login',
      withSameOrigin(server, 'POST', { json: { username, password }, ...opts }),
    )
    return { res, cred: res.status === 200 ? credFrom(res, this.cookieName(server)) : undefined }
  },
  send(server, cred, method, path, opts = {}) {
    const headers: Record<string, string> = { ...opts.headers }
    if (cred?.access && !Object.keys(headers).some((h) => h.toLowerCase() === 'authorization')) {
      headers.authorization = `Bearer ${cred.access}`
    }
    // The refresh cookie is Path=/auth: a browser sends it to /auth/* only.
    const cookies =
      cred?.refresh && path.startsWith('/auth')
        ? { [this.cookieName(server)]: cred.refresh, ...opts.cookies }
        : opts.cookies
    return request(server.url, method, path, withSameOrigin(server, method, { ...opts, headers, cookies }))
  },
  me(server, cred) {
    return this.send(server, cred, 'GET', '/me')
  },
  logout(server, cred) {
    return this.send(server, cred, 'POST', '/auth/logout')
  },
  logoutAll(server, cred) {
    return this.send(server, cred, 'POST', '/auth/logout-all')
  },
  sessions(server, cred) {
    return this.send(server, cred, 'GET', '/auth/sessions')
  },
  revoke(server, cred, id) {
    return this.send(server, cred, 'DELETE', `/auth/sessions/${encodeURIComponent(id)}`)
  },
  async changePassword(server, cred, current, next) {
    const res = await this.send(server, cred, 'POST', '/auth/password', {
      json: { current_password: current, new_password: next },
    })
    return { res, cred: res.status === 200 ? credFrom(res, this.cookieName(server)) : undefined }
  },
}

/** stateless only: POST /auth/refresh with the refresh cookie (same-origin unless headers say otherwise). */
export async function refresh(
  server: AppServer,
  rt: string | undefined,
  opts: ReqOptions = {},
): Promise<{ res: Res; cred?: Cred }> {
  const name = statelessAdapter.cookieName(server)
  const cookies = rt === undefined ? opts.cookies : { [name]: rt, ...opts.cookies }
  const res = await request(
    server.url,
    'POST',
    '/auth/refresh',
    withSameOrigin(server, 'POST', { ...opts, cookies }),
  )
  return { res, cred: res.status === 200 ? credFrom(res, name) : undefined }
}

function credFrom(res: Res, cookieName: string): Cred | undefined {
  const access = typeof res.json?.access_token === 'string' ? (res.json.access_token as string) : undefined
  const rt = res.cookie(cookieName)?.value
  return access ? { app: 'stateless', access, refresh: rt || undefined } : undefined
}

export const ADAPTERS: Record<AppName, Adapter> = { stateful: statefulAdapter, stateless: statelessAdapter }
