// The lab page's script. Loaded from our own origin (the CSP forbids inline script); builds DOM with textContent
// only. Access tokens live in plain variables of this script, never in localStorage or a cookie.
;(() => {
  // DOM helpers and readable times are shared with the apps' own pages (/demo-common.js, loaded first).
  const { $, el, span, rel, relIso } = window.AuthLab
  const sleep = (ms) => new Promise((r) => setTimeout(r, ms))
  // Every response body is read, even when only the status matters: an unread body leaves the request pending.
  const labFetch = async (url, init) => {
    const r = await fetch(url, init)
    await r.text()
    return r
  }

  // Every table sits in its own scroll box (lab.css): a wide one scrolls there, never the whole page.
  const scrollBox = (table) => el('div', { class: 'scroll' }, table)
  const timeCell = (ms) => el('td', { title: ms ? new Date(ms).toISOString() : '', text: rel(ms) })

  // ---- what the codes mean -------------------------------------------------------------------------------------
  const EXPLAIN = {
    invalid_credentials:
      'Wrong username or password, or a disabled account: the server answers all three the same way, so nobody can probe which usernames exist or are disabled.',
    too_many_attempts:
      'Too many attempts. On login: too many failed logins for this user or from this address (counted in the shared store, so every instance and both apps agree). On refresh: this device rotated its refresh token faster than its budget (REFRESH_BURST, then one per REFRESH_REFILL); the cookie is still valid. Either way, wait the Retry-After seconds.',
    unauthenticated: 'No credential was sent: no session cookie, or no Bearer token in memory.',
    invalid_token:
      'The access token was refused: expired (past exp + clock tolerance), revoked (deny-list), or signed by a key this server no longer has.',
    invalid_refresh_token:
      'No refresh cookie, or it is unknown, expired or revoked (logout, device revoked, password changed): log in again.',
    refresh_token_reused:
      'A refresh token was presented a second time. The server assumes it was stolen and revoked the whole device (refresh family): every holder must log in again.',
    csrf: 'Refused: a cross-site request (or an Origin the server does not list).',
    not_found: 'No such resource (or not yours: another user’s device id looks the same as an unknown one).',
    service_unavailable: 'The server is not answering (being restarted?). Try again in a second.',
    invalid_request: 'The request is malformed.',
    validation_failed: 'A field is missing or out of range.',
  }
  const CLAIMS = {
    alg: 'Signature algorithm. The server pins it: a token naming another alg (or none) is refused.',
    typ: 'Token type: at+jwt marks an access token (RFC 9068), so an ID token cannot be replayed as one.',
    kid: 'Key id: which signing key made the signature. Compare with the key ids the server stores.',
    iss: 'Issuer: who minted the token. Checked on every request.',
    sub: 'Subject: the user id.',
    aud: 'Audience: which API the token is for. Checked on every request.',
    iat: 'Issued at.',
    nbf: 'Not valid before.',
    exp: 'Expiry. After exp (+ the clock tolerance) the token is refused: the only thing that ends it under REVOCATION=none.',
    jti: 'Token id: logout deny-lists this one token (REVOCATION=denylist).',
    sid: 'Device id = the refresh family. Revoking the device deny-lists every token carrying this sid.',
    ver: 'The user’s token_version at issue time. “Log out everywhere” bumps it; REVOCATION=version refuses older values.',
    ep: 'Credential epoch: bumped by a password change or an admin disable. REVOCATION=denylist and version refuse a token with an older epoch; none checks nothing until exp.',
    role: 'Authorisation data carried in the token: it stays true until exp even if the role changes on the server.',
    username: 'Convenience copy of the username.',
    scope: 'What the token may be used for.',
  }

  // ---- one client per instance -----------------------------------------------------------------------------------
  let INSTANCES = {}
  const store = window.sessionStorage

  class Client {
    constructor(instance, prefix) {
      this.instance = instance
      this.prefix = prefix
      this.kind = instance === 'stateful' ? 's' : 'j'
      this.token = null
      this.tokenClaims = null
      this.tokenHeader = null
      this.last = null
      this.lastSent = null
      this.revokedSeen = false
      this.refreshing = false
      // The expiry experiment pauses this client's auto refresh while it waits (the checkbox stays the user's).
      this.autoPaused = false
      const saved = JSON.parse(store.getItem(`lab:${instance}`) || '{}')
      this.user = saved.user || null
      this.cookies = saved.cookies || {}
      this.log = []
    }
    save() {
      // Names and flags only: cookie VALUES never reach this script (HttpOnly), and the token stays out of storage.
      store.setItem(`lab:${this.instance}`, JSON.stringify({ user: this.user, cookies: this.cookies }))
    }
    visible() {
      return this.kind === 's' || JWT.instance === this.instance
    }
    async call(method, path, opts = {}) {
      const headers = {}
      if (opts.json !== undefined) headers['Content-Type'] = 'application/json'
      // `token`: a copy the caller holds (the expiry experiment tests its own token whatever the pane did since).
      const bearer = opts.token ?? (opts.bearer ? this.token : null)
      if (bearer) headers.Authorization = `Bearer ${bearer}`
      if (opts.steal) headers['X-Lab-Steal'] = opts.steal
      const started = Date.now()
      let res
      try {
        res = await fetch(this.prefix + path, {
          method,
          headers,
          body: opts.json === undefined ? undefined : JSON.stringify(opts.json),
          credentials: 'same-origin',
        })
      } catch (err) {
        this.note(`${method} ${path}: network error`, 'bad')
        throw err
      }
      const text = await res.text()
      let body = text
      try {
        body = text ? JSON.parse(text) : null
      } catch {}
      const setCookies = JSON.parse(res.headers.get('x-lab-set-cookie') || '[]')
      for (const sc of setCookies) this.absorbCookie(sc)
      this.lastSent = JSON.parse(res.headers.get('x-lab-sent') || 'null')
      const pick = ['server-timing', 'www-authenticate', 'retry-after', 'cache-control']
      const shown = {}
      for (const h of pick) if (res.headers.get(h)) shown[h] = res.headers.get(h)
      this.last = {
        method,
        path: this.prefix + path,
        status: res.status,
        headers: shown,
        setCookies,
        body,
        ms: Date.now() - started,
        sentBearer: !!headers.Authorization,
      }
      if (body?.access_token) this.setToken(body.access_token)
      if (body?.user?.username) this.user = body.user.username
      if (res.status === 401 && (path === '/auth/refresh' || this.kind === 's')) {
        if (path === '/auth/refresh') this.setToken(null)
      }
      this.save()
      render(this)
      return { status: res.status, body, headers: res.headers }
    }
    absorbCookie(sc) {
      const name = sc.split('=', 1)[0]
      const maxAge = /;\s*max-age=(\d+)/i.exec(sc)
      const clearing = /=<0 chars>/.test(sc) || (maxAge && maxAge[1] === '0')
      if (clearing) delete this.cookies[name]
      else {
        const flags = sc
          .split(';')
          .slice(1)
          .map((s) => s.trim())
          .filter((s) => !/^max-age|^expires/i.test(s))
        this.cookies[name] = {
          flags,
          chars: Number((/<(\d+) chars>/.exec(sc) || [])[1] || 0),
          expiresAt: maxAge ? Date.now() + Number(maxAge[1]) * 1000 : null,
          setAt: Date.now(),
        }
      }
    }
    /** The XSS drill's contrast variant: the token also written to localStorage (what this page normally avoids). */
    contrastStorage() {
      const key = `lab:${this.instance}:access_token`
      if (this.token && $('j-ls')?.checked) window.localStorage.setItem(key, this.token)
      else window.localStorage.removeItem(key)
    }
    setToken(token) {
      this.token = token
      this.revokedSeen = false
      if (!token) {
        this.contrastStorage()
        this.tokenClaims = this.tokenHeader = null
        return
      }
      this.contrastStorage()
      const parts = token.split('.')
      this.tokenHeader = decodePart(parts[0])
      this.tokenClaims = parts.length === 3 ? decodePart(parts[1]) : null
    }
    note(text, cls = '') {
      this.log.unshift({ text, cls, at: Date.now() })
      this.log.length = Math.min(this.log.length, 4)
      render(this)
    }
    tolerance() {
      return Number((INSTANCES[this.instance] || { env: {} }).env.CLOCK_TOLERANCE || 0)
    }
  }

  function decodePart(part) {
    const b64 = part.replace(/-/g, '+').replace(/_/g, '/')
    const bytes = Uint8Array.from(atob(b64 + '==='.slice((b64.length + 3) % 4)), (c) => c.charCodeAt(0))
    return JSON.parse(new TextDecoder().decode(bytes))
  }

  const clients = {}
  // Bumped by everything that may change a pane's credentials (pane buttons, experiments, the race): the expiry
  // experiment compares it to tell a server's outcome from one the user caused during its wait.
  let pageEpoch = 0
  const SESS = () => clients.stateful
  const JWT = {
    instance: 'stateless-none',
    get c() {
      return clients[this.instance]
    },
  }

  // ---- rendering -------------------------------------------------------------------------------------------------
  function describeStatus(r, what) {
    const code = r.body?.error
    return `${what}: ${r.status}${code ? ` ${code}` : ''}${code && EXPLAIN[code] ? ` — ${EXPLAIN[code]}` : ''}`
  }

  function tokenState(c) {
    if (!c.token || !c.tokenClaims) return { text: 'no token in memory', cls: '' }
    const left = c.tokenClaims.exp - Date.now() / 1000
    const tol = c.tolerance()
    if (c.revokedSeen && left > -tol)
      return {
        text: `refused by the server although not expired (revoked) — exp ${left > 0 ? `in ${span(left)}` : 'passed'}`,
        cls: 'bad',
      }
    if (left > 0) return { text: `valid, expires in ${span(left)}`, cls: 'ok' }
    if (left > -tol)
      return {
        text: `expired ${span(left)} ago — the server still accepts it for ${span(tol + left)} more (CLOCK_TOLERANCE=${tol})`,
        cls: 'warn',
      }
    return { text: `expired ${span(left)} ago — refused; a refresh gets a new one`, cls: 'bad' }
  }

  function render(c) {
    if (!c.visible()) return
    const p = c.kind
    const holds = $(`${p}-holds`)
    holds.replaceChildren()
    const row = (k, v, title) =>
      holds.append(
        el(
          'tr',
          {},
          el('th', { text: k, ...(title ? { title } : {}) }),
          v instanceof Node ? el('td', {}, v) : el('td', { text: v }),
        ),
      )
    const names = Object.keys(c.cookies)
    if (names.length === 0) row('cookies', 'none for this pane')
    for (const n of names) {
      const ck = c.cookies[n]
      row(
        `cookie ${n}`,
        `${ck.chars} chars · ${ck.flags.join('; ')}${ck.expiresAt ? ` · Max-Age: expires ${rel(ck.expiresAt)}` : ' · no Max-Age: ends with the browser session'}`,
        'From the last Set-Cookie the proxy saw (value redacted). The proxy moved Path under this pane’s prefix.',
      )
    }
    row(
      'document.cookie',
      JSON.stringify(document.cookie),
      'What any script on this page, an injected one included, can read. HttpOnly cookies never appear here.',
    )
    if (p === 'j') {
      const st = tokenState(c)
      row(
        'access token',
        el('span', {
          class: st.cls,
          text: c.token ? `${c.token.length} chars in a JS variable · ${st.text}` : st.text,
        }),
      )
    }
    if (c.lastSent) {
      const s = c.lastSent
      row(
        'bytes sent (last request)',
        `${s.totalBytes} B in total · cookies ${s.cookies.map((k) => `${k.name} ${k.bytes} B`).join(', ') || 'none'} · Authorization ${s.authorizationBytes} B · body ${s.bodyBytes} B`,
        'Measured by the lab proxy on the request your browser sent.',
      )
    }
    row('user', c.user || '–')
    const status = $(`${p}-status`)
    status.replaceChildren(...c.log.map((l) => el('div', { class: l.cls, text: `${l.text} (${rel(l.at)})` })))
    if (c.log.length === 0) status.textContent = c.user ? `Logged in as ${c.user}?` : 'Not logged in.'
    $(`${p}-last`).textContent = c.last
      ? `${c.last.method} ${c.last.path}${c.last.sentBearer ? '  (Authorization: Bearer …)' : ''}\n→ ${c.last.status} in ${c.last.ms} ms\n${Object.entries(
          c.last.headers,
        )
          .map(([k, v]) => `${k}: ${v}`)
          .join(
            '\n',
          )}${c.last.setCookies.length ? `\nSet-Cookie (value redacted): ${c.last.setCookies.join('\n  ')}` : ''}\n\n${typeof c.last.body === 'string' ? c.last.body : JSON.stringify(c.last.body, null, 2)}`
      : '–'
    if (p === 'j') renderClaims(c)
  }

  function renderClaims(c) {
    const put = (id, obj) => {
      const box = $(id)
      box.replaceChildren()
      if (!obj) {
        box.textContent = c.token ? '(encrypted: JWE)' : '–'
        return
      }
      for (const [k, v] of Object.entries(obj)) {
        let shown = JSON.stringify(v)
        if (['exp', 'iat', 'nbf'].includes(k) && typeof v === 'number') shown += `  (${rel(v * 1000)})`
        box.append(
          el('span', { class: 'claim', ...(CLAIMS[k] ? { title: CLAIMS[k] } : {}), text: `${k}: ${shown}` }),
        )
      }
    }
    put('j-header', c.tokenHeader)
    put('j-payload', c.tokenClaims)
  }

  function badges(c) {
    const inst = INSTANCES[c.instance]
    if (!inst) return
    const b = []
    const badge = (text, cls = '', title = '') =>
      b.push(el('span', { class: `badge ${cls}`, text, ...(title ? { title } : {}) }))
    badge(`:${inst.port} · pid ${inst.pid ?? 'down'}`, '', `Started ${rel(inst.startedAt)}`)
    if (c.kind === 's')
      badge(
        `SESSION_STORE=${inst.env.SESSION_STORE}`,
        inst.env.SESSION_STORE === 'memory' ? 'warn' : 'good',
        'memory: sessions vanish on restart; sqlite: they survive it',
      )
    else {
      badge(
        `REVOCATION=${inst.env.REVOCATION}`,
        inst.env.REVOCATION === 'none' ? 'warn' : 'good',
        'none: a revoked token works until exp; denylist: one indexed read per request refuses it at once',
      )
      badge(`ACCESS_TTL=${inst.env.ACCESS_TTL}s`)
      badge(
        `JWT_KEYS=${inst.env.JWT_KEYS}`,
        inst.env.JWT_KEYS === 'ephemeral' ? 'warn' : '',
        'ephemeral: a restart invalidates every access token',
      )
      badge(`REFRESH_GRACE=${inst.env.REFRESH_GRACE}s`)
      $('j-ttl').textContent = inst.env.ACCESS_TTL
    }
    $(`${c.kind}-badges`).replaceChildren(...b)
  }

  // ---- what the server stores ------------------------------------------------------------------------------------
  function shortHash(h) {
    return h ? el('span', { class: 'mono', title: h, text: `${h.slice(0, 12)}…` }) : el('span', { text: '–' })
  }
  async function loadStore(c) {
    if (!c.visible()) return
    const box = $(`${c.kind}-store`)
    if (!c.user) {
      box.textContent = 'Log in to see the rows.'
      return
    }
    const res = await fetch(`/lab/api/state/${c.instance}?user=${encodeURIComponent(c.user)}`)
    const s = await res.json()
    if (!res.ok || !s.user) {
      box.textContent = `No such user (${c.user}).`
      return
    }
    const kids = [
      el('p', {
        class: 'hint',
        text: `users row: id ${s.user.id}, token_version ${s.user.tokenVersion}${s.user.disabled ? ', disabled' : ''}`,
      }),
    ]
    if (c.kind === 's') {
      if (s.store === 'memory')
        kids.push(
          el('p', {
            class: 'warn',
            text: 'SESSION_STORE=memory: the rows live in the server process only (not in the file); a restart loses them all.',
          }),
        )
      const t = el(
        'table',
        {},
        el(
          'thead',
          {},
          el(
            'tr',
            {},
            ...[
              'sessions.id_hash = SHA-256(cookie)',
              'created',
              'last seen',
              'idle expiry',
              'absolute expiry',
              'user agent',
            ].map((h) => el('th', { text: h })),
          ),
        ),
      )
      const tb = el('tbody')
      for (const r of s.sessions)
        tb.append(
          el(
            'tr',
            {},
            el('td', {}, shortHash(r.idHash)),
            timeCell(r.createdAt),
            timeCell(r.lastSeenAt),
            timeCell(r.expiresAt),
            timeCell(r.absoluteExpiresAt),
            el('td', { text: r.userAgent || '' }),
          ),
        )
      if (s.sessions.length === 0 && s.store !== 'memory')
        tb.append(
          el(
            'tr',
            {},
            el('td', {
              colspan: '6',
              class: 'hint',
              text: 'No session rows for this user: nothing to find with any cookie.',
            }),
          ),
        )
      t.append(tb)
      kids.push(
        scrollBox(t),
        el('p', {
          class: 'hint',
          text: 'The cookie holds the ID; the table holds only its hash: a copy of the database lets nobody log in.',
        }),
      )
    } else {
      const t = el(
        'table',
        {},
        el(
          'thead',
          {},
          el(
            'tr',
            {},
            ...[
              'refresh family (device)',
              'created',
              'last refresh',
              'state',
              'rotation chain (SHA-256 of each token, oldest first)',
            ].map((h) => el('th', { text: h })),
          ),
        ),
      )
      const tb = el('tbody')
      // This browser's family first (the sid of the pane's token), then the newest: the one the pane acts on is
      // never cut off by the row limit.
      const mine = c.tokenClaims?.sid
      const SHOWN = 8
      const families = [...s.families].sort((a, b) => (b.id === mine) - (a.id === mine))
      for (const f of families.slice(0, SHOWN)) {
        const chain = el('div', { class: 'chain' })
        const whose = f.id === mine ? 'this browser’s cookie' : 'another device’s cookie'
        for (const tk of f.chain)
          chain.append(
            el('div', {
              class: tk.usedAt ? 'hint' : 'ok',
              title: `created ${new Date(tk.createdAt).toISOString()}${tk.usedAt ? `, used ${new Date(tk.usedAt).toISOString()}` : ''}`,
              text: `${tk.hash.slice(0, 10)}… ${tk.usedAt ? `used ${rel(tk.usedAt)}` : f.revokedAt ? 'dead (family revoked)' : `LIVE: ${whose}`}`,
            }),
          )
        const state = f.revokedAt
          ? el('span', { class: 'bad', text: `revoked ${rel(f.revokedAt)}: ${f.revokedReason}` })
          : el('span', { class: 'ok', text: 'live' })
        tb.append(
          el(
            'tr',
            {},
            el('td', { class: 'mono', title: f.userAgent || '', text: f.id.slice(0, 10) }),
            timeCell(f.createdAt),
            timeCell(f.lastUsedAt),
            el('td', {}, state),
            el('td', {}, chain),
          ),
        )
      }
      if (families.length > SHOWN)
        tb.append(
          el(
            'tr',
            {},
            el('td', {
              colspan: '5',
              class: 'hint',
              text: `…and ${families.length - SHOWN} more famil${families.length - SHOWN === 1 ? 'y' : 'ies'} of this user (My devices lists the live ones).`,
            }),
          ),
        )
      t.append(tb)
      kids.push(scrollBox(t))
      const deny = s.denylist.map((d) => `${d.key.slice(0, 18)}… until ${rel(d.expiresAt)}`)
      const mode = s.instance?.env.REVOCATION
      kids.push(
        el('p', {
          text: `Deny-list (token_denylist): ${deny.length ? deny.join(' · ') : 'empty'}${mode === 'none' ? ' — REVOCATION=none never reads it' : ''}`,
        }),
      )
      const kidNow = c.tokenHeader?.kid
      const keys = s.keys.map((k) => `${k.kid.slice(0, 12)}… ${k.alg}${k.current ? ' (current)' : ''}`)
      const inFile = s.keys.some((k) => k.kid === kidNow)
      kids.push(
        el('p', {
          text: `Signing keys (key file): ${keys.join(' · ') || 'none'}${kidNow ? ` · this token’s kid ${kidNow.slice(0, 12)}… ${inFile ? 'is in the file' : 'is NOT in the file: an ephemeral key, gone at the next restart'}` : ''}`,
        }),
      )
      const jwks = await (await fetch(`${c.prefix}/.well-known/jwks.json`)).json()
      kids.push(
        el('p', {
          class: 'hint',
          text: `JWKS (${c.prefix}/.well-known/jwks.json): ${JSON.stringify(jwks)}${jwks.keys && jwks.keys.length === 0 ? ' — empty because HS256 is a shared secret: publishing it would let anyone mint tokens. Other services verify HS256 tokens only by sharing the secret; with RS256/ES256/EdDSA the public keys appear here.' : ''}`,
        }),
      )
    }
    box.replaceChildren(...kids)
  }

  async function loadDevices(c) {
    const r = await c.call('GET', '/auth/sessions', { bearer: true })
    const tb = $(`${c.kind}-device-list`)
    tb.replaceChildren()
    if (r.status !== 200) {
      tb.append(
        el('tr', {}, el('td', { colspan: '5', class: 'bad', text: describeStatus(r, 'GET /auth/sessions') })),
      )
      return r
    }
    for (const s of r.body.sessions) {
      const btn = el('button', { type: 'button', text: s.current ? 'revoke (this device)' : 'revoke' })
      btn.addEventListener('click', async () => {
        pageEpoch++
        const d = await c.call('DELETE', `/auth/sessions/${encodeURIComponent(s.id)}`, { bearer: true })
        if (d.status === 204 && s.current) {
          // Revoking this browser's own device is a logout: say so, and forget what the pane held.
          c.setToken(null)
          c.user = null
          c.save()
          c.note('This device revoked: you are logged out here (log in again to continue).', 'ok')
        } else
          c.note(
            d.status === 204 ? 'Device revoked.' : describeStatus(d, 'revoke'),
            d.status === 204 ? 'ok' : 'bad',
          )
        await loadDevices(c)
        await loadStore(c)
      })
      tb.append(
        el(
          'tr',
          { class: s.current ? 'current' : '' },
          el('td', { text: `${s.current ? '▶ this browser: ' : ''}${s.user_agent || '?'}` }),
          el('td', { title: s.created_at, text: relIso(s.created_at) }),
          el('td', { title: s.last_seen_at, text: relIso(s.last_seen_at) }),
          el('td', { title: s.expires_at, text: relIso(s.expires_at) }),
          el('td', {}, btn),
        ),
      )
    }
    return r
  }

  // ---- the flows -------------------------------------------------------------------------------------------------
  async function login(c, username, password) {
    const r = await c.call('POST', '/auth/login', { json: { username, password } })
    if (r.status === 200) c.note(`Logged in as ${username}.`, 'ok')
    else c.note(describeStatus(r, 'Log in'), 'bad')
    await loadStore(c)
    return r
  }
  async function me(c) {
    const r = await c.call('GET', '/me', { bearer: true })
    if (r.status === 200)
      c.note(
        `GET /me: 200 — ${r.body.user.username}${r.body.auth?.expires_at ? `, session ends ${relIso(r.body.auth.expires_at)} unless used again` : ''}`,
        'ok',
      )
    else {
      if (
        c.kind === 'j' &&
        r.status === 401 &&
        c.token &&
        c.tokenClaims &&
        c.tokenClaims.exp + c.tolerance() > Date.now() / 1000
      )
        c.revokedSeen = true
      const expired =
        c.kind === 'j' && c.token && c.tokenClaims && c.tokenClaims.exp + c.tolerance() <= Date.now() / 1000
      c.note(
        `${describeStatus(r, 'GET /me')}${c.kind === 'j' && c.token ? (expired ? ' Here: EXPIRED (exp + tolerance passed).' : ' Here: REVOKED (the token has not expired).') : ''}`,
        'bad',
      )
    }
    render(c)
    return r
  }
  async function refresh(c, why = '') {
    const r = await c.call('POST', '/auth/refresh')
    c.note(
      r.status === 200
        ? `Refreshed${why}: new access token, refresh cookie rotated.`
        : describeStatus(r, `Refresh${why}`),
      r.status === 200 ? 'ok' : 'bad',
    )
    await loadStore(c)
    return r
  }
  async function logout(c, all) {
    const r = await c.call('POST', all ? '/auth/logout-all' : '/auth/logout', { bearer: true })
    // The logout's own result stays on screen: a following /me 401 is the expected outcome, not an error.
    c.note(
      r.status === 204
        ? `${all ? 'Logged out everywhere' : 'Logged out'} (204).`
        : describeStatus(r, 'Log out'),
      r.status === 204 ? 'ok' : 'bad',
    )
    if (c.kind === 'j') c.setToken(null)
    await loadStore(c)
    return r
  }
  function creds(p) {
    const f = new FormData($(`${p}-login`))
    return { username: String(f.get('username')), password: String(f.get('password')) }
  }
  async function ensureLogin(c) {
    const p = c.kind
    // The session pane is usable when /me says so. The JWT pane always starts from a fresh login: an unexpired
    // token in memory may still be dead (its key gone with a restart, its family revoked by a password change, its
    // refresh cookie taken over by the race), and an experiment built on it draws the wrong conclusion (session-9
    // walkthrough: a persisted-key restart reported "the ephemeral key that signed it is gone").
    if (c.kind === 's') {
      const r = await c.call('GET', '/me')
      if (r.status === 200) return
    }
    const { username, password } = creds(p)
    const r = await login(c, username, password)
    if (r.status !== 200) throw new Error(`login failed: ${r.status}`)
  }

  function wirePane(p, get) {
    $(`${p}-login`).addEventListener('submit', (e) => {
      e.preventDefault()
      pageEpoch++
      const { username, password } = creds(p)
      login(get(), username, password)
    })
    $(`${p}-me`).addEventListener('click', () => me(get()))
    $(`${p}-devices`).addEventListener('click', () => loadDevices(get()))
    $(`${p}-logout`).addEventListener('click', () => {
      pageEpoch++
      logout(get(), false)
    })
    $(`${p}-logout-all`).addEventListener('click', () => {
      pageEpoch++
      logout(get(), true)
    })
    if (p === 'j')
      $('j-refresh').addEventListener('click', () => {
        pageEpoch++
        refresh(get())
      })
  }

  // ---- experiments -----------------------------------------------------------------------------------------------
  function card(title, explain) {
    const tb = el('tbody')
    const c = el(
      'div',
      { class: 'card' },
      el('h3', { text: title }),
      el('p', { class: 'hint', text: explain }),
      scrollBox(
        el(
          'table',
          {},
          el(
            'thead',
            {},
            el('tr', {}, ...['pane', 'step', 'result', 'what it means'].map((h) => el('th', { text: h }))),
          ),
          tb,
        ),
      ),
    )
    c.dataset.running = '1'
    const out = $('exp-out')
    out.prepend(c)
    // The oldest finished cards go; a card still running (the expiry wait, with its Cancel) stays.
    const finished = [...out.children].filter((n) => !n.dataset.running)
    while (out.children.length > 6 && finished.length > 0) finished.pop().remove()
    let bad = 0
    let redExpected = false
    let cancelled = false
    return {
      row(pane, step, result, meaning, verdict = '') {
        if (verdict === 'bad') bad++
        tb.append(
          el(
            'tr',
            {},
            el('td', { text: pane }),
            el('td', { text: step }),
            el('td', { text: result }),
            el('td', { class: verdict ? `verdict-${verdict}` : '', text: meaning }),
          ),
        )
      },
      /** After the steps: a card with a red row says so at its foot, so a wrong outcome never reads as done. */
      /** The XSS drills colour the attack's successes red on purpose: those rows are the expected outcome. */
      expectRed() {
        redExpected = true
      },
      /** The user ended the experiment (the expiry wait's Cancel): its card says so instead of a verdict. */
      cancel() {
        cancelled = true
        c.append(el('p', { class: 'hint', text: 'Cancelled before the end: no verdict.' }))
      },
      get cancelled() {
        return cancelled
      },
      finish() {
        if (bad > 0 && !redExpected)
          c.append(
            el('p', {
              class: 'bad',
              text: `${bad} step(s) did not go as this server's settings predict (red above): the lab's state may be off — reload the page, or restart the instance, and run it again.`,
            }),
          )
        return bad === 0 || redExpected
      },
      el: c,
    }
  }
  const res = (r) => `${r.status}${r.body?.error ? ` ${r.body.error}` : ''}`
  async function pocket(instance, slot, method, path, extra = {}) {
    const r = await fetch(`/lab/api/pocket/${instance}/${slot}/request`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ method, path, ...extra }),
    })
    return r.json()
  }
  async function handToken(instance, slot, token) {
    await labFetch(`/lab/api/pocket/${instance}/${slot}/token`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ access_token: token }),
    })
  }
  const mode = (inst) => `JWT, REVOCATION=${INSTANCES[inst].env.REVOCATION}`
  const jwtInstances = () => ['stateless-none', 'stateless']
  const secondsLeft = (c) =>
    c.tokenClaims ? Math.max(0, Math.round(c.tokenClaims.exp - Date.now() / 1000)) : 0

  async function expReplay(out) {
    const s = SESS()
    await ensureLogin(s)
    await labFetch('/lab/api/pocket/stateful/thief', { method: 'DELETE' })
    await s.call('GET', '/me', { steal: 'sid' })
    out.row(
      'Sessions',
      'a thief copies the session cookie off the wire',
      'copied',
      'The lab keeps the copy server-side (its “pocket”): the page never sees the HttpOnly value.',
    )
    await logout(s, false)
    const r = await pocket('stateful', 'thief', 'GET', '/me')
    out.row(
      'Sessions',
      'log out, then the thief replays GET /me with the copy',
      res(r),
      r.status === 401
        ? 'Refused: logout deleted the row, so the copied ID points at nothing.'
        : 'ACCEPTED: the session outlived logout!',
      r.status === 401 ? 'ok' : 'bad',
    )
    for (const inst of jwtInstances()) {
      const c = clients[inst]
      await ensureLogin(c)
      await handToken(inst, 'thief', c.token)
      const left = secondsLeft(c)
      out.row(
        mode(inst),
        'a thief copies the access token (e.g. by XSS)',
        `${c.token.length} chars`,
        `It expires in ${span(left)}.`,
      )
      await logout(c, false)
      const r2 = await pocket(inst, 'thief', 'GET', '/me')
      const ok = r2.status === 200
      out.row(
        mode(inst),
        'log out, then the thief replays GET /me with the copy',
        res(r2),
        ok
          ? `ACCEPTED: nothing is checked per request, so the token works until exp (${span(left)} from its copy). This is the revocation window.`
          : 'Refused: logout put the token’s jti on the deny-list, read on every request.',
        ok ? 'warn' : 'ok',
      )
    }
  }

  async function expRevoke(out) {
    const targets = [['stateful', SESS()], ...jwtInstances().map((i) => [i, clients[i]])]
    for (const [inst, c] of targets) {
      const label = inst === 'stateful' ? 'Sessions' : mode(inst)
      await ensureLogin(c)
      await labFetch(`/lab/api/pocket/${inst}/device-b`, { method: 'DELETE' })
      const { username, password } = creds(c.kind)
      const b = await pocket(inst, 'device-b', 'POST', '/auth/login', { json: { username, password } })
      out.row(label, 'device B (another computer) logs in', res(b), 'Two devices now.')
      const list = await loadDevices(c)
      const other =
        list.status === 200 &&
        list.body.sessions.find((d) => !d.current && d.user_agent === 'Auth Lab (device-b)')
      if (!other) {
        out.row(label, 'find device B in GET /auth/sessions', 'missing', 'Could not find device B.', 'bad')
        continue
      }
      const d = await c.call('DELETE', `/auth/sessions/${encodeURIComponent(other.id)}`, { bearer: true })
      out.row(label, 'this browser revokes device B', res(d), 'Revoked.')
      const r = await pocket(inst, 'device-b', 'GET', '/me')
      const accepted = r.status === 200
      out.row(
        label,
        'device B calls GET /me',
        res(r),
        accepted
          ? 'ACCEPTED: device B’s access token still verifies until its exp. Revoking the device only stops its refreshes.'
          : 'Refused at once.',
        accepted ? 'warn' : 'ok',
      )
      if (inst !== 'stateful') {
        const rr = await pocket(inst, 'device-b', 'POST', '/auth/refresh')
        out.row(
          label,
          'device B tries to refresh',
          res(rr),
          rr.status === 401
            ? 'Refused: the family is revoked, so B is out at its next refresh at the latest.'
            : 'Refresh worked!',
          rr.status === 401 ? 'ok' : 'bad',
        )
      }
      await loadDevices(c)
      await loadStore(c)
    }
  }

  async function expPassword(out) {
    const s = SESS()
    // The change back goes through the checked (denylist) server: a REVOCATION=none server never writes the
    // deny-list, so a change made there could not cut tokens that the other mode checks.
    const j = clients.stateless
    await ensureLogin(s)
    await ensureLogin(j)
    const { username, password } = creds('s')
    const temp = `${password}-changed`
    for (const inst of ['stateful', ...jwtInstances()]) {
      await labFetch(`/lab/api/pocket/${inst}/device-b`, { method: 'DELETE' })
      await pocket(inst, 'device-b', 'POST', '/auth/login', { json: { username, password } })
    }
    out.row(
      'all',
      'device B logs in on every server',
      'ok',
      'Each server now has a second device for this user.',
    )
    const r1 = await s.call('POST', '/auth/password', {
      json: { current_password: password, new_password: temp },
    })
    out.row(
      'Sessions',
      'this browser changes the password',
      res(r1),
      r1.status === 204 ? 'Every other session row deleted; this one rotated to a new ID.' : 'Failed.',
      r1.status === 204 ? 'ok' : 'bad',
    )
    const b1 = await pocket('stateful', 'device-b', 'GET', '/me')
    out.row(
      'Sessions',
      'device B calls GET /me',
      res(b1),
      b1.status === 401 ? 'Refused at once: its row is gone.' : 'ACCEPTED!',
      b1.status === 401 ? 'ok' : 'bad',
    )
    // The change bumped the credential epoch, so this browser's own JWT (older `ep`) and refresh family are cut
    // on the checked server too: log in there with the new password before changing it back.
    const relog = await j.call('POST', '/auth/login', { json: { username, password: temp } })
    out.row(
      mode('stateless'),
      'this browser logs in again with the new password',
      res(relog),
      relog.status === 200
        ? 'Its own token was cut too (older credential epoch): a password change logs out every device, this one included.'
        : 'Failed.',
      relog.status === 200 ? 'ok' : 'bad',
    )
    const r2 = await j.call('POST', '/auth/password', {
      bearer: true,
      json: { current_password: temp, new_password: password },
    })
    out.row(
      mode('stateless'),
      'this browser changes it back (through the denylist server)',
      res(r2),
      r2.status === 200
        ? 'Every device of the user revoked (both JWT servers share the families), token_version bumped, devices deny-listed; the asking device got a fresh pair.'
        : 'Failed.',
      r2.status === 200 ? 'ok' : 'bad',
    )
    for (const inst of jwtInstances()) {
      const b = await pocket(inst, 'device-b', 'GET', '/me')
      out.row(
        mode(inst),
        'device B calls GET /me',
        res(b),
        b.status === 200
          ? 'ACCEPTED until exp: nothing re-checks an access token against the password.'
          : 'Refused: its device is on the deny-list.',
        b.status === 200 ? 'warn' : 'ok',
      )
      const br = await pocket(inst, 'device-b', 'POST', '/auth/refresh')
      out.row(
        mode(inst),
        'device B tries to refresh',
        res(br),
        br.status === 401 ? 'Refused: the family is revoked.' : 'Refresh worked!',
        br.status === 401 ? 'ok' : 'bad',
      )
    }
    await loadStore(s)
    await loadStore(JWT.c)
  }

  // The expiry wait is most of a minute (ACCESS_TTL + CLOCK_TOLERANCE). It holds only what it must: its own button
  // and this pane's auto refresh (which would replace the token it watches). Everything else stays usable
  // (session-10 review: the wait locked every experiment for ~65 s); the card shows a countdown and a Cancel.
  const CANCELLED = new Error('cancelled')

  /** A live countdown and a Cancel button on the experiment's own card; `until(t)` waits, or throws CANCELLED. */
  function countdown(out, exp, tol) {
    const line = el('span', { class: 'countdown', role: 'timer' })
    const cancel = el('button', { type: 'button', class: 'cancel', text: 'Cancel' })
    const box = el('p', { class: 'row waiting' }, line, cancel)
    out.el.append(box)
    let cancelled = false
    cancel.addEventListener('click', () => {
      cancelled = true
      cancel.disabled = true
      line.textContent = 'Cancelling…'
    })
    const show = () => {
      if (cancelled) return
      const left = exp - Date.now() / 1000
      line.textContent =
        left > 0
          ? `Waiting: the token expires in ${span(left)}; the server refuses it ${tol} s later (in ${span(left + tol)}). Auto refresh is paused for this pane only: the rest of the page stays usable.`
          : `Expired ${span(left)} ago; inside the clock tolerance for ${span(Math.max(0, left + tol))} more (CLOCK_TOLERANCE=${tol} s).`
    }
    show()
    const timer = setInterval(show, 250)
    return {
      async until(sec) {
        while (!cancelled && Date.now() / 1000 < sec) await sleep(100)
        if (cancelled) throw CANCELLED
      },
      stop() {
        clearInterval(timer)
        box.remove()
      },
    }
  }

  async function expExpire(out, ctl) {
    const j = JWT.c
    const s = SESS()
    await ensureLogin(j)
    await ensureLogin(s)
    // The experiment's own copy of the token: the pane may log in, refresh or log out during the wait, and the
    // steps below still test the token whose countdown started here.
    const token = j.token
    const tol = j.tolerance()
    const exp = j.tokenClaims.exp
    const since = pageEpoch
    // Anything that changes credentials since the wait began (a pane button, another experiment, the race) makes a
    // failed step below say nothing about the server's settings: such a step is not red, and says why.
    const disturbed = () => pageEpoch !== since || running.size > 1
    const verdict = (good, ok) => (ok ? good : disturbed() ? '' : 'bad')
    const why = (ok) =>
      ok || !disturbed()
        ? ''
        : ' (The page was used during the wait — a pane button, another experiment or the race — so this outcome says nothing about the server’s settings.)'
    out.row(
      mode(j.instance),
      'auto refresh paused for this pane; waiting for exp + tolerance',
      `${span(exp + tol - Date.now() / 1000)}`,
      `ACCESS_TTL=${INSTANCES[j.instance].env.ACCESS_TTL}s, CLOCK_TOLERANCE=${tol}s. Watch the countdown here and in the pane.`,
    )
    j.autoPaused = true
    syncAuto()
    const wait = countdown(out, exp, tol)
    ctl.release()
    // Auto refresh stays paused until the last step: resumed earlier, it would refresh the expired token at the
    // same moment as the step's own refresh, and strict rotation reads that as reuse.
    try {
      try {
        await wait.until(exp + 0.5)
        const mid = await j.call('GET', '/me', { token })
        if (tol > 0)
          out.row(
            mode(j.instance),
            'GET /me just after exp (inside the tolerance)',
            res(mid),
            mid.status === 200
              ? `Accepted: servers allow ${tol} s of clock skew, so “expired” on the client is not yet expired on the server.`
              : 'Refused.',
            mid.status === 200 ? 'warn' : 'ok',
          )
        await wait.until(exp + tol + 1)
      } catch (err) {
        if (err !== CANCELLED) throw err
        await cancelExpire(out, j, token)
        return
      }
      wait.stop()
      // The pane's own bookkeeping (expired, not revoked) only while it still holds the experiment's token.
      const r = j.token === token ? await me(j) : await j.call('GET', '/me', { token })
      out.row(
        mode(j.instance),
        'GET /me after exp + tolerance',
        res(r),
        r.status === 401
          ? 'Refused: expired. (The body says invalid_token either way; the page tells expired from revoked by the exp it holds.)'
          : r.status === 200
            ? 'ACCEPTED after exp + tolerance!'
            : `Not answered as expected.${why(false)}`,
        // Accepted after exp + tolerance contradicts the settings whatever else happened meanwhile.
        r.status === 401 ? 'ok' : r.status === 200 ? 'bad' : verdict('ok', false),
      )
      const rf = await refresh(j)
      out.row(
        mode(j.instance),
        'POST /auth/refresh',
        res(rf),
        rf.status === 200
          ? 'A new access token: the refresh cookie is what keeps you logged in.'
          : `Failed.${why(false)}`,
        verdict('ok', rf.status === 200),
      )
    } finally {
      wait.stop()
      j.autoPaused = false
      syncAuto()
    }
    const rs = await me(s)
    out.row(
      'Sessions',
      'GET /me meanwhile',
      res(rs),
      `A session has no client-side expiry: every request slides its idle expiry on the server.${why(rs.status === 200)}`,
      verdict('ok', rs.status === 200),
    )
  }

  /** Cancel: auto refresh back as it was, and the pane refreshed out of the expiring token (a known state). */
  async function cancelExpire(out, j, token) {
    out.cancel()
    if (j.token !== token) {
      out.row(
        mode(j.instance),
        'cancelled',
        '–',
        'Auto refresh is back as it was. The pane holds another token since (you used it during the wait): left as it is.',
      )
      return
    }
    const rf = await refresh(j, ' (the expiry experiment was cancelled)')
    out.row(
      mode(j.instance),
      'cancelled: POST /auth/refresh',
      res(rf),
      rf.status === 200
        ? 'Auto refresh is back as it was, and the pane holds a fresh token.'
        : 'Auto refresh is back as it was; the refresh was refused, so the pane is logged out: log in again.',
    )
  }

  async function expSteal(out) {
    const j = JWT.c
    const inst = j.instance
    await ensureLogin(j)
    await labFetch(`/lab/api/pocket/${inst}/thief`, { method: 'DELETE' })
    await j.call('GET', '/auth/sessions', { bearer: true, steal: 'rt' })
    out.row(
      mode(inst),
      'a thief copies the refresh cookie',
      'copied',
      'Only a request to /auth carries it (Path=/auth); HttpOnly kept it from scripts, so this is a copy off the wire or the disk.',
    )
    const t1 = await pocket(inst, 'thief', 'POST', '/auth/refresh')
    out.row(
      mode(inst),
      'the thief refreshes with it',
      res(t1),
      t1.status === 200 ? 'Works: the thief got a fresh pair and the token is now used.' : 'Refused.',
      t1.status === 200 ? 'warn' : 'ok',
    )
    const v = await refresh(j, ' (the real browser)')
    const detected = v.status === 401 && v.body?.error === 'refresh_token_reused'
    out.row(
      mode(inst),
      'the real browser refreshes with its (same) token',
      res(v),
      detected
        ? 'Reuse detected: one token presented twice means two holders, so the whole family is revoked.'
        : v.status === 401
          ? `Refused, but not as reuse (${v.body?.error}): this device's family was already dead before the thief came.`
          : 'No reuse detection?',
      detected ? 'ok' : 'bad',
    )
    const t2 = await pocket(inst, 'thief', 'POST', '/auth/refresh')
    out.row(
      mode(inst),
      'the thief refreshes again',
      res(t2),
      t2.status === 401 ? 'Refused: the thief is out too.' : 'ACCEPTED!',
      t2.status === 401 ? 'ok' : 'bad',
    )
    const t3 = await pocket(inst, 'thief', 'GET', '/me')
    out.row(
      mode(inst),
      'the thief uses the access token it got',
      res(t3),
      t1.status !== 200
        ? 'The thief holds no access token: its refresh was refused.'
        : t3.status === 200
          ? 'Still accepted until exp: revoking the family does not reach an access token under REVOCATION=none.'
          : INSTANCES[inst].env.REVOCATION === 'none'
            ? 'Refused.'
            : `Refused: REVOCATION=${INSTANCES[inst].env.REVOCATION} ends the revoked family's access tokens.`,
      t3.status === 200 ? 'warn' : 'ok',
    )
    const s = SESS()
    await ensureLogin(s)
    await labFetch('/lab/api/pocket/stateful/thief', { method: 'DELETE' })
    await s.call('GET', '/me', { steal: 'sid' })
    const ts = await pocket('stateful', 'thief', 'GET', '/me')
    out.row(
      'Sessions',
      'a thief copies the session cookie and uses it',
      res(ts),
      'A session ID does not rotate per request, so there is no reuse to detect: it works until logout or expiry. Revoking the session (My devices) stops it at once.',
      ts.status === 200 ? 'warn' : 'ok',
    )
    await loadStore(j)
  }

  async function expRestart(out) {
    const store = $('x-store').value
    const keys = $('x-keys').value
    const restart = async (inst, env) => {
      const r = await labFetch(`/lab/api/instances/${inst}/restart`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ env }),
      })
      await loadInstances()
      return r.status
    }
    await restart('stateful', { SESSION_STORE: store })
    await restart(JWT.instance, { JWT_KEYS: keys })
    const s = SESS()
    const j = JWT.c
    await ensureLogin(s)
    await ensureLogin(j)
    out.row(
      'both',
      `restarted with SESSION_STORE=${store}, JWT_KEYS=${keys}; logged in`,
      'ok',
      'Now the real test: restart again and see who survives.',
    )
    await Promise.all([restart('stateful', {}), restart(JWT.instance, {})])
    out.row(
      'both',
      'restart both servers again (stop by PID, start)',
      'restarted',
      'New processes: anything only in memory is gone.',
    )
    const rs = await me(s)
    out.row(
      'Sessions',
      'GET /me with the same cookie',
      res(rs),
      rs.status === 200
        ? 'Survived: the row is in SQLite.'
        : 'Logged out: the memory store died with the process.',
      rs.status === 200 ? 'ok' : 'warn',
    )
    const rj = await me(j)
    out.row(
      mode(j.instance),
      'GET /me with the same access token',
      res(rj),
      rj.status === 200
        ? 'Survived: the key file signs and verifies across restarts.'
        : 'Refused: the ephemeral key that signed it is gone; every access token died at once.',
      rj.status === 200 ? 'ok' : 'warn',
    )
    const rf = await refresh(j)
    out.row(
      mode(j.instance),
      'POST /auth/refresh',
      res(rf),
      rf.status === 200
        ? `The refresh token lives in SQLite, so a refresh recovers (${INSTANCES[j.instance]?.env.JWT_KEYS === 'ephemeral' ? 'signed with the new key' : 'signed with the same persisted key'}).`
        : 'Failed.',
      rf.status === 200 ? 'ok' : 'bad',
    )
  }

  // ---- the XSS drill (lab-only): attacker script loaded from our origin, run against one pane ----------------------
  async function loadDrill() {
    if (window.labXssDrill) return window.labXssDrill
    await new Promise((resolve, reject) => {
      const s = el('script', { src: '/xss-drill.js' })
      s.addEventListener('load', resolve)
      s.addEventListener('error', () => reject(new Error('could not load /xss-drill.js')))
      document.head.append(s)
    })
    return window.labXssDrill
  }
  function drill(kind) {
    return async (out) => {
      const d = await loadDrill()
      const c = kind === 's' ? SESS() : JWT.c
      // The drill shows what a script can take from a logged-in page: log in first, as every experiment does.
      await ensureLogin(c)
      out.expectRed()
      const pane = kind === 's' ? 'Sessions' : mode(c.instance)
      const rows = kind === 's' ? await d.sessions(c.prefix) : await d.jwt(c.prefix)
      const got = {}
      for (const r of rows) {
        out.row(pane, r.step, r.result, r.meaning, r.verdict)
        Object.assign(got, r.got || {})
      }
      out.el.dataset.got = JSON.stringify(got)
      out.row(
        pane,
        'so HttpOnly…',
        kind === 's' ? 'protects the cookie' : 'protects the refresh cookie',
        kind === 's'
          ? 'stops theft of the session ID, not its use: the script acts as the user while the page is open, and the attack ends with the tab.'
          : 'stops theft of the refresh token, not its use; and an access token (in memory or storage) can be taken and replayed elsewhere until exp. Fix XSS itself: CSP, escaping.',
        'warn',
      )
      await loadStore(c)
    }
  }

  const EXPERIMENTS = {
    's-xss': [
      'XSS drill: sessions pane',
      'Attacker script in this origin: what it reads, what it can do, what it can take away.',
      drill('s'),
    ],
    'j-xss': [
      'XSS drill: JWT pane',
      'Attacker script in this origin: the refresh cookie stays unreadable; the access token does not.',
      drill('j'),
    ],
    'x-replay': [
      'Log out, then replay the old credential',
      'Sessions refuse the copy at once; a JWT copy works until exp under REVOCATION=none and is refused under denylist.',
      expReplay,
    ],
    'x-revoke': [
      'Revoke another device',
      'Device B logs in from elsewhere, this browser revokes it, device B tries again.',
      expRevoke,
    ],
    'x-password': [
      'Change the password (and back)',
      'Other devices of the user try again after each change.',
      expPassword,
    ],
    'x-expire': [
      'Let the access token expire',
      'The countdown at its edges: expired on the client, still inside the server’s clock tolerance, then refused.',
      expExpire,
    ],
    'x-steal': [
      'Steal the refresh token and use it twice',
      'Refresh-token rotation turns a stolen copy into a detectable event.',
      expSteal,
    ],
    'x-restart': [
      'Restart the servers',
      'Memory vs SQLite sessions, ephemeral vs persisted signing keys.',
      expRestart,
    ],
  }
  // Which experiments run: an exclusive one holds every experiment button (they share the panes' credentials);
  // one that released its hold (the expiry wait) keeps only its own button.
  const running = new Map()
  function syncExperimentButtons() {
    const exclusive = [...running.values()].some((r) => r.exclusive)
    for (const b of document.querySelectorAll('.experiments button, .xss button')) {
      if (b.closest('.card')) continue // a card's own controls (Cancel) are the card's business
      b.disabled = exclusive || running.has(b.id)
    }
  }
  function wireExperiments() {
    for (const [id, [title, explain, fn]] of Object.entries(EXPERIMENTS)) {
      $(id).addEventListener('click', async () => {
        if (running.has(id)) return
        pageEpoch++
        const hold = { exclusive: true }
        running.set(id, hold)
        syncExperimentButtons()
        const out = card(title, explain)
        out.el.dataset.experiment = id
        const ctl = {
          release() {
            hold.exclusive = false
            syncExperimentButtons()
          },
        }
        try {
          await fn(out, ctl)
          out.el.dataset.done = out.cancelled ? 'cancelled' : out.finish() ? 'ok' : 'unexpected'
        } catch (err) {
          out.row('–', 'experiment stopped', 'error', String(err?.message ? err.message : err), 'bad')
          out.el.dataset.done = 'error'
        } finally {
          delete out.el.dataset.running
          running.delete(id)
          syncExperimentButtons()
          await loadStore(SESS())
          await loadStore(JWT.c)
        }
      })
    }
  }

  // ---- instances, race, startup ----------------------------------------------------------------------------------
  async function loadInstances() {
    const r = await (await fetch('/lab/api/instances')).json()
    INSTANCES = Object.fromEntries(r.instances.map((i) => [i.id, i]))
    for (const i of r.instances) if (!clients[i.id]) clients[i.id] = new Client(i.id, i.prefix)
    badges(SESS())
    badges(JWT.c)
    const links = $('direct-links')
    links.replaceChildren(
      el('span', { text: 'Each app’s own page: ' }),
      ...r.instances.flatMap((i, n) => [
        el('a', { href: `http://localhost:${i.port}/`, text: `${i.id} :${i.port}` }),
        el('span', { text: n < r.instances.length - 1 ? ' · ' : '' }),
      ]),
      // Opened side by side they surprise: both JWT apps set `rt` at Path=/auth, and one host is one cookie jar.
      el('span', {
        id: 'shared-rt',
        class: 'hint',
        text: ` (the two JWT pages, ${r.instances
          .filter((i) => i.app === 'stateless')
          .map((i) => `:${i.port}`)
          .join(
            ' and ',
          )}, share one refresh cookie: cookies are per host, not per port, so a login on one replaces the other’s)`,
      }),
    )
  }

  async function loadRaceReport() {
    const r = await (await fetch('/lab/api/race')).json()
    const box = $('r-report')
    if (!r.available) {
      box.textContent =
        'No measurement yet: run the e2e suite (npx vitest run --project e2e) to write reports/e2e/multi-tab-race.json.'
      return
    }
    const t = el(
      'table',
      {},
      el(
        'thead',
        {},
        el(
          'tr',
          {},
          ...[
            'client',
            'server',
            'tabs × trials',
            'trials where the family died',
            'tabs logged out',
            'refreshes refused',
          ].map((h) => el('th', { text: h })),
        ),
      ),
    )
    const tb = el('tbody')
    for (const c of r.report.combinations)
      tb.append(
        el(
          'tr',
          {},
          el('td', { text: c.client }),
          el('td', { text: `REFRESH_GRACE=${c.grace}` }),
          el('td', { text: `${c.tabs} × ${c.trials}` }),
          el('td', { class: c.familyKilledTrials ? 'bad' : 'ok', text: String(c.familyKilledTrials) }),
          el('td', { class: c.logouts ? 'bad' : 'ok', text: `${c.logouts} of ${c.tabs * c.trials}` }),
          el('td', { text: String(c.refusedRefreshes) }),
        ),
      )
    t.append(tb)
    box.replaceChildren(
      scrollBox(t),
      el('p', {
        class: 'hint',
        text: `Measured ${r.report.date} in ${r.report.browser}. A tab counts as logged out if its own refresh was refused or its family was revoked (its next refresh fails).`,
      }),
    )
  }

  async function runRace() {
    const btn = $('r-run')
    btn.disabled = true
    pageEpoch++
    const n = Number($('r-n').value)
    const coord = $('r-coord').value
    const grace = $('r-grace').value
    const out = $('r-out')
    // The race changes the denylist server's grace window and logs bob in under the /stateless refresh cookie
    // path: both are put back afterwards, so later experiments on that pane start from the lab's own settings.
    const before = String((INSTANCES.stateless || { env: {} }).env.REFRESH_GRACE ?? '0')
    const restartWith = (g) =>
      labFetch('/lab/api/instances/stateless/restart', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ env: { REFRESH_GRACE: g } }),
      })
    try {
      out.textContent = `Restarting the stateless (denylist) server with REFRESH_GRACE=${grace}…`
      await restartWith(grace)
      await loadInstances()
      const frames = $('r-frames')
      frames.replaceChildren()
      // A group of this run's own: a race.html another site opened in a window (default group) cannot join it
      // (review H3).
      const group = `run-${crypto.getRandomValues(new Uint32Array(2)).join('-')}`
      for (let i = 0; i < n; i++)
        frames.append(
          el('iframe', {
            src: `/race.html?instance=stateless&coord=${coord}&group=${group}`,
            title: `tab ${i + 1}`,
          }),
        )
      out.textContent = 'Opening the tabs…'
      const result = await window.labRace.conduct({
        n,
        group,
        prefix: '/stateless',
        username: 'bob',
        password: 'bob-demo-pass',
      })
      out.replaceChildren(
        el('p', {
          class: result.familyAlive ? 'ok' : 'bad',
          text: `${coord === 'locks' ? 'Web Locks + BroadcastChannel' : 'No coordination'}, REFRESH_GRACE=${grace}: ${result.refused} of ${n} refreshes refused; ${result.familyAlive ? 'the family is alive: nobody is logged out.' : `the family was revoked (reuse detected): all ${n} tabs are logged out.`}`,
        }),
        el('p', {
          class: 'hint',
          text: `Per tab: ${result.tabs.map((t) => `${t.via} ${t.status}${t.code ? ` ${t.code}` : ''}`).join(' · ')}`,
        }),
      )
      await loadStore(clients.stateless)
    } catch (err) {
      out.textContent = `The race did not complete: ${err.message}`
    } finally {
      try {
        if (String(grace) !== before) {
          out.append(
            el('p', { class: 'hint', text: `Restoring REFRESH_GRACE=${before} on the denylist server…` }),
          )
          await restartWith(before)
          await loadInstances()
        }
      } catch (err) {
        out.append(
          el('p', { class: 'bad', text: `Could not restore REFRESH_GRACE=${before}: ${err.message}` }),
        )
      }
      // bob's race family holds this pane's refresh cookie now: the pane's own login is gone with it.
      const c = clients.stateless
      if (c) {
        c.setToken(null)
        c.user = null
        c.save()
        c.note(
          'The race logged bob in under this pane’s refresh cookie: log in again to use this pane.',
          'bad',
        )
      }
      btn.disabled = false
    }
  }

  async function restoreOnLoad() {
    // Reload must not forget you: the session pane asks /me (the cookie is still there), the JWT pane refreshes
    // from its HttpOnly cookie, and both read the body of what they get.
    const s = SESS()
    const r = await s.call('GET', '/me')
    if (r.status === 200)
      s.note(`Restored after reload: the session cookie still works (${r.body.user.username}).`, 'ok')
    else s.note('Not logged in (GET /me: 401 unauthenticated — no session cookie yet).')
    for (const inst of jwtInstances()) {
      const c = clients[inst]
      if (!Object.keys(c.cookies).some((n) => /(^|-)rt$/.test(n))) continue
      const rr = await c.call('POST', '/auth/refresh')
      if (rr.status === 200)
        c.note('Restored after reload: the refresh cookie bought a new access token.', 'ok')
      else c.note(describeStatus(rr, 'Restore after reload'), 'bad')
    }
    await loadStore(s)
    await loadStore(JWT.c)
  }

  // The auto-refresh checkbox is the user's choice; a client may be paused on top of it (the expiry wait), and the
  // checkbox then shows the visible pane's pause.
  let autoWanted = true
  function syncAuto() {
    const box = $('j-auto')
    const paused = !!JWT.c?.autoPaused
    box.disabled = paused
    box.checked = autoWanted && !paused
    $('j-auto-paused').textContent = paused
      ? '(paused while “Let the access token expire” waits: Cancel on its card ends it)'
      : ''
  }

  function tick() {
    const c = JWT.c
    if (!c) return
    render(c)
    for (const inst of jwtInstances()) {
      const k = clients[inst]
      if (!k?.token || !k.tokenClaims || !autoWanted || k.autoPaused || k.refreshing) continue
      const ttl = k.tokenClaims.exp - k.tokenClaims.iat
      const left = k.tokenClaims.exp - Date.now() / 1000
      if (left < Math.min(10, ttl / 4)) {
        k.refreshing = true
        refresh(k, ' automatically before expiry').finally(() => {
          k.refreshing = false
        })
      }
    }
  }

  async function main() {
    await loadInstances()
    wirePane('s', () => SESS())
    wirePane('j', () => JWT.c)
    for (const radio of document.querySelectorAll('input[name="j-mode"]')) {
      radio.addEventListener('change', async () => {
        JWT.instance = radio.value
        syncAuto()
        badges(JWT.c)
        render(JWT.c)
        $('j-device-list').replaceChildren()
        await loadStore(JWT.c)
      })
    }
    wireExperiments()
    $('j-auto').addEventListener('change', () => {
      if (!$('j-auto').disabled) autoWanted = $('j-auto').checked
    })
    $('j-ls').addEventListener('change', () => {
      for (const inst of jwtInstances()) clients[inst].contrastStorage()
    })
    $('r-run').addEventListener('click', runRace)
    render(SESS())
    render(JWT.c)
    await restoreOnLoad()
    await loadRaceReport()
    setInterval(tick, 1000)
    setInterval(() => {
      loadStore(SESS())
      loadStore(JWT.c)
    }, 5000)
    document.body.dataset.ready = '1'
  }
  main()
})()
