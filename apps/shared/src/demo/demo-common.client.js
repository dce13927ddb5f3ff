// Shared by both apps' own pages (served at /demo-common.js): DOM helpers, readable times, what the error codes
// and the JWT claims mean, one fetch wrapper that keeps the last exchange in full, and a status log that keeps the
// last few results (a later GET /me never overwrites the logout's 204). textContent only: nothing is parsed as HTML.
;(() => {
  const $ = (id) => document.getElementById(id)
  const el = (tag, attrs = {}, ...kids) => {
    const n = document.createElement(tag)
    for (const [k, v] of Object.entries(attrs)) {
      if (k === 'class') n.className = v
      else if (k === 'text') n.textContent = v
      else n.setAttribute(k, v)
    }
    for (const k of kids) n.append(k)
    return n
  }

  function span(sec) {
    const s = Math.abs(Math.round(sec))
    if (s < 90) return `${s} s`
    if (s < 5400) return `${Math.round(s / 60)} min`
    if (s < 172800) return `${Math.round(s / 3600)} h`
    return `${Math.round(s / 86400)} days`
  }
  function rel(ms, now = Date.now()) {
    if (ms === null || ms === undefined || Number.isNaN(ms)) return '–'
    const d = (ms - now) / 1000
    if (Math.abs(d) < 1) return 'now'
    return d > 0 ? `in ${span(d)}` : `${span(d)} ago`
  }
  const relIso = (iso) => (iso ? rel(Date.parse(iso)) : '–')
  const timeCell = (iso) => el('td', { title: iso || '', text: relIso(iso) })

  const EXPLAIN = {
    invalid_credentials:
      'Wrong password, unknown user or disabled account: the server answers all three the same way on purpose, so nobody can probe which usernames exist or are disabled.',
    too_many_attempts:
      'Too many attempts. On login: too many failed logins for this user or from this address (counted in the shared store: every instance and both apps agree). On refresh: this device rotated its refresh token faster than its budget; the cookie is still valid. Wait the Retry-After seconds.',
    unauthenticated: 'No credential was sent: no session cookie, or no Bearer token in memory.',
    invalid_token:
      'The access token was refused. The server does not say why (expired past exp + clock tolerance, revoked, or signed by a key it no longer has): an attacker learns nothing from the answer.',
    invalid_refresh_token:
      'No refresh cookie, or it is unknown, expired or revoked (logout, device revoked, password changed): log in again.',
    refresh_token_reused:
      'A refresh token was presented a second time. The server assumes it was stolen and revoked the whole device (refresh family): log in again.',
    csrf: 'Refused: a cross-site request (or an Origin the server does not list in ALLOWED_ORIGINS).',
    not_found: 'No such resource (another user’s device id looks the same as an unknown one).',
    invalid_request: 'The request is malformed.',
    validation_failed: 'A field is missing or out of range.',
  }
  const CLAIMS = {
    alg: 'Signature algorithm. The server pins it: a token naming another alg (or none) is refused.',
    typ: 'Token type: at+jwt marks an access token (RFC 9068), so an ID token cannot be replayed as one.',
    kid: 'Key id: which signing key made the signature (the JWKS lists the public ones).',
    iss: 'Issuer: who minted the token. Checked on every request.',
    sub: 'Subject: the user id.',
    aud: 'Audience: which API the token is for. Checked on every request.',
    iat: 'Issued at.',
    nbf: 'Not valid before.',
    exp: 'Expiry. After exp + the clock tolerance the token is refused: under REVOCATION=none the only thing that ends it.',
    jti: 'Token id: logout deny-lists this one token (REVOCATION=denylist).',
    sid: 'Device id = the refresh family this token came from. Revoking the device cuts every token with this sid.',
    ver: 'The user’s token version when issued. “Log out everywhere” bumps it; REVOCATION=version refuses older values.',
    ep: 'Credential epoch: bumped by a password change or an admin disable. REVOCATION=denylist and version refuse a token with an older epoch; none checks nothing until exp.',
    role: 'Authorisation data carried in the token: it stays true until exp even if the role changes on the server.',
    preferred_username: 'Convenience copy of the username.',
    username: 'Convenience copy of the username.',
    scope: 'What the token may be used for.',
  }
  const TIME_CLAIMS = new Set(['iat', 'nbf', 'exp'])

  function describe(r, what) {
    const code = r.body && typeof r.body === 'object' ? r.body.error : undefined
    const retry = r.headers?.get('retry-after')
    const why = code && EXPLAIN[code] ? ` — ${EXPLAIN[code]}` : ''
    return `${what}: ${r.status}${code ? ` ${code}` : ''}${retry ? ` (Retry-After: ${retry} s = ${span(Number(retry))})` : ''}${why}`
  }

  /** The status log: the newest few results, each with its age; nothing overwrites an earlier line. */
  const log = []
  function note(text, cls = '') {
    log.unshift({ text, cls, at: Date.now() })
    log.length = Math.min(log.length, 5)
    renderLog()
  }
  function renderLog() {
    const box = $('status')
    if (!box) return
    if (log.length === 0) box.textContent = 'Not logged in.'
    else box.replaceChildren(...log.map((l) => el('div', { class: l.cls, text: `${l.text} (${rel(l.at)})` })))
  }

  /** fetch with the body always read (an unread body leaves the request pending) and the exchange shown in full. */
  async function call(method, path, opts = {}) {
    const headers = {}
    if (opts.json !== undefined) headers['Content-Type'] = 'application/json'
    if (opts.bearer) headers.Authorization = `Bearer ${opts.bearer}`
    const started = Date.now()
    const res = await fetch(path, {
      method,
      headers,
      body: opts.json === undefined ? undefined : JSON.stringify(opts.json),
      credentials: 'same-origin',
    })
    const text = await res.text()
    let body = text
    try {
      body = text ? JSON.parse(text) : null
    } catch {}
    const shown = []
    for (const h of ['server-timing', 'www-authenticate', 'retry-after', 'cache-control'])
      if (res.headers.get(h)) shown.push(`${h}: ${res.headers.get(h)}`)
    const last = $('last')
    if (last && !opts.quiet)
      last.textContent = `${method} ${path}${opts.bearer ? '  (Authorization: Bearer …)' : ''}\n→ ${res.status} in ${Date.now() - started} ms\n${shown.join('\n')}\n\n${typeof body === 'string' ? body : JSON.stringify(body, null, 2)}`
    return { status: res.status, body, headers: res.headers }
  }

  function decodePart(part) {
    const b64 = part.replace(/-/g, '+').replace(/_/g, '/')
    const bytes = Uint8Array.from(atob(b64 + '==='.slice((b64.length + 3) % 4)), (c) => c.charCodeAt(0))
    return JSON.parse(new TextDecoder().decode(bytes))
  }
  /** A claims box: one line per claim, explained on hover, times made readable. */
  function renderClaims(box, obj, fallback = '–') {
    if (!obj) {
      box.textContent = fallback
      return
    }
    box.replaceChildren(
      ...Object.entries(obj).map(([k, v]) => {
        const shown =
          TIME_CLAIMS.has(k) && typeof v === 'number' ? `${v} (${rel(v * 1000)})` : JSON.stringify(v)
        return el('span', {
          class: 'claim',
          ...(CLAIMS[k] ? { title: CLAIMS[k] } : {}),
          text: `${k}: ${shown}`,
        })
      }),
    )
  }

  /** Key/value rows of "What the browser holds". */
  function renderHolds(rows) {
    const tb = $('holds')
    tb.replaceChildren(
      ...rows.map(([k, v, title, cls]) =>
        el(
          'tr',
          {},
          el('th', { text: k, ...(title ? { title } : {}) }),
          el('td', { text: v, class: cls || '' }),
        ),
      ),
    )
  }

  /** The devices table, same columns as the lab: device, created, last seen, expires, action. */
  function renderDevices(r, onRevoke) {
    const tb = $('device-list')
    tb.replaceChildren()
    if (r.status !== 200) {
      tb.append(
        el('tr', {}, el('td', { colspan: '5', class: 'bad', text: describe(r, 'GET /auth/sessions') })),
      )
      return
    }
    for (const s of r.body.sessions) {
      const btn = el('button', { type: 'button', text: s.current ? 'revoke (this device)' : 'revoke' })
      btn.addEventListener('click', () => onRevoke(s))
      tb.append(
        el(
          'tr',
          { class: s.current ? 'current' : '' },
          el('td', { text: `${s.current ? '▶ this browser: ' : ''}${s.user_agent || '?'}` }),
          timeCell(s.created_at),
          timeCell(s.last_seen_at),
          timeCell(s.expires_at),
          el('td', {}, btn),
        ),
      )
    }
  }

  window.AuthLab = {
    $,
    el,
    span,
    rel,
    relIso,
    EXPLAIN,
    describe,
    note,
    renderLog,
    call,
    decodePart,
    renderClaims,
    renderHolds,
    renderDevices,
  }
})()
