/**
 * The demo page, served from memory. The strict CSP forbids inline script and style, so the page loads /demo.js
 * and /demo.css from our own origin; the script builds DOM with textContent only (nothing from the server is ever
 * parsed as HTML).
 */
export const DEMO_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Auth Lab — stateless (JWT)</title>
<link rel="stylesheet" href="/demo.css">
<script type="module" src="/demo.js"></script>
</head>
<body>
<main>
<h1>Auth Lab — stateless app (JWT access token + rotating refresh token)</h1>
<p class="hint">Compare with sessions side by side in the lab: <a href="http://localhost:3000/">http://localhost:3000/</a> ·
<a href="http://localhost:3000/docs/choosing.md">which one should I choose? (docs/choosing.md)</a></p>
<p class="lead">
The browser holds two things. The <strong>access token</strong> (a signed JWT, valid a few minutes) lives only in a
JavaScript variable of this page and is sent as <code>Authorization: Bearer</code>. The <strong>refresh token</strong>
lives in an <code>HttpOnly; SameSite=Strict; Path=/auth</code> cookie that no script can read; the server keeps only
its SHA-256. The server keeps no session: <code>/me</code> checks a signature (plus one deny-list lookup by default).
</p>
<p class="why">
Why not <code>localStorage</code>? Anything there is readable by every script on the origin, so one XSS bug
exfiltrates a token that keeps working elsewhere until it expires. A variable in memory vanishes with the tab; when
you reload, the page gets a new access token from the HttpOnly refresh cookie (<code>POST /auth/refresh</code>),
which a script cannot read or copy, only use while the page is open.
</p>

<section>
<h2>1. Log in</h2>
<form id="login">
<label>Username <input name="username" autocomplete="username" value="alice"></label>
<label>Password <input name="password" type="password" autocomplete="current-password" value="alice-demo-pass"></label>
<button type="submit">Log in</button>
</form>
<p class="hint">Demo users: alice / alice-demo-pass, bob / bob-demo-pass (admin), carol (disabled).</p>
</section>

<section>
<h2>2. The access token (in memory)</h2>
<p>Status: <span id="status">no token</span> · expires in <span id="countdown">—</span></p>
<div class="grid">
<div><h3>Header</h3><pre id="jwt-header">—</pre></div>
<div><h3>Payload</h3><pre id="jwt-payload">—</pre></div>
</div>
<p class="buttons">
<button id="me">GET /me</button>
<button id="refresh">POST /auth/refresh</button>
<button id="logout">POST /auth/logout</button>
<button id="logout-all">POST /auth/logout-all</button>
</p>
<h3>Last response</h3>
<pre id="output">—</pre>
</section>

<section>
<h2>3. Devices (one per refresh-token family)</h2>
<p class="buttons"><button id="sessions">GET /auth/sessions</button></p>
<table id="devices"><thead><tr><th>device</th><th>created</th><th>last refresh</th><th>expires</th><th></th></tr></thead><tbody></tbody></table>
</section>

<section>
<h2>4. What can JavaScript see?</h2>
<p><code>document.cookie</code> = <code id="doc-cookie"></code></p>
<p id="cookie-verdict"></p>
</section>
</main>
</body>
</html>
`

export const DEMO_CSS = `body{font:15px/1.5 system-ui,sans-serif;margin:0;background:#f6f7f9;color:#1d232b}
main{max-width:60rem;margin:0 auto;padding:1.5rem}
h1{font-size:1.4rem}h2{font-size:1.1rem;margin-top:0}h3{font-size:.95rem;margin:.5rem 0}
section{background:#fff;border:1px solid #dde1e6;border-radius:8px;padding:1rem 1.25rem;margin:1rem 0}
.lead,.why{max-width:52rem}.why{background:#fff8e1;border-left:4px solid #f0b400;padding:.5rem .75rem}
label{display:inline-block;margin-right:1rem}input{font:inherit;padding:.25rem .4rem}
button{font:inherit;padding:.3rem .8rem;margin:.2rem .4rem .2rem 0;cursor:pointer}
pre{background:#0f1720;color:#d7e3f4;padding:.75rem;border-radius:6px;overflow:auto;max-height:18rem;white-space:pre-wrap;word-break:break-all}
.grid{display:grid;grid-template-columns:1fr 1fr;gap:1rem}
table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #e5e8ec;padding:.3rem;text-align:left;font-size:.9rem}
.current{font-weight:600}.hint{color:#5b6675;font-size:.9rem}.ok{color:#126b2f}.bad{color:#a11}
`

export const DEMO_JS = `// The access token lives in this module-scoped variable only: never localStorage, sessionStorage or a cookie.
let accessToken = null
let expiresAt = 0
const $ = (id) => document.getElementById(id)

function show(label, status, body, timing) {
  const lines = [label + ' → ' + status + (timing ? '   (Server-Timing: ' + timing + ')' : '')]
  if (body !== undefined && body !== '') lines.push(typeof body === 'string' ? body : JSON.stringify(body, null, 2))
  $('output').textContent = lines.join('\\n')
}

function decodePart(part) {
  const b64 = part.replace(/-/g, '+').replace(/_/g, '/')
  const bytes = Uint8Array.from(atob(b64 + '==='.slice((b64.length + 3) % 4)), (c) => c.charCodeAt(0))
  return JSON.parse(new TextDecoder().decode(bytes))
}

function setToken(token, expiresIn) {
  accessToken = token
  expiresAt = token ? Date.now() + expiresIn * 1000 : 0
  if (!token) {
    $('jwt-header').textContent = '—'
    $('jwt-payload').textContent = '—'
    $('status').textContent = 'no token'
    return
  }
  const parts = token.split('.')
  const header = decodePart(parts[0])
  $('jwt-header').textContent = JSON.stringify(header, null, 2)
  if (parts.length === 5) {
    $('jwt-payload').textContent = '(JWE: the payload is encrypted with A256GCM; only the server can read it)'
  } else {
    const payload = decodePart(parts[1])
    $('jwt-payload').textContent = JSON.stringify(payload, null, 2)
    expiresAt = payload.exp * 1000
  }
  $('status').textContent = 'held in memory (' + token.length + ' chars)'
}

function tick() {
  if (!accessToken) {
    $('countdown').textContent = '—'
    return
  }
  const s = Math.round((expiresAt - Date.now()) / 1000)
  $('countdown').textContent = s > 0 ? s + ' s' : 'expired (' + -s + ' s ago) — refresh'
}

async function call(method, path, opts = {}) {
  const headers = {}
  if (opts.bearer && accessToken) headers.Authorization = 'Bearer ' + accessToken
  if (opts.json) headers['Content-Type'] = 'application/json'
  const res = await fetch(path, {
    method,
    headers,
    body: opts.json ? JSON.stringify(opts.json) : undefined,
    credentials: 'same-origin',
  })
  const text = await res.text()
  let body = text
  try {
    body = text ? JSON.parse(text) : ''
  } catch {}
  show(method + ' ' + path, res.status, body, res.headers.get('server-timing'))
  showCookies()
  return { res, body }
}

async function takePair(r) {
  if (r.res.ok && r.body && r.body.access_token) setToken(r.body.access_token, r.body.expires_in)
  else if (r.res.status === 401) setToken(null)
}

function showCookies() {
  $('doc-cookie').textContent = JSON.stringify(document.cookie)
  const visible = document.cookie.split(';').some((c) => /^\\s*(__Secure-)?rt=/.test(c))
  const v = $('cookie-verdict')
  v.className = visible ? 'bad' : 'ok'
  v.textContent = visible
    ? 'The refresh cookie is visible to JavaScript: something is misconfigured.'
    : 'The refresh cookie is not in document.cookie: it is HttpOnly (and scoped to Path=/auth). Scripts — including an injected one — can neither read nor copy it.'
}

async function listDevices() {
  const { res, body } = await call('GET', '/auth/sessions', { bearer: true })
  const tbody = $('devices').querySelector('tbody')
  tbody.replaceChildren()
  if (!res.ok) return
  for (const s of body.sessions) {
    const tr = document.createElement('tr')
    if (s.current) tr.className = 'current'
    for (const v of [(s.current ? '▶ this tab: ' : '') + (s.user_agent || '?'), s.created_at, s.last_seen_at, s.expires_at]) {
      const td = document.createElement('td')
      td.textContent = v
      tr.append(td)
    }
    const td = document.createElement('td')
    const b = document.createElement('button')
    b.textContent = 'revoke'
    b.addEventListener('click', async () => {
      await call('DELETE', '/auth/sessions/' + encodeURIComponent(s.id), { bearer: true })
      await listDevices()
    })
    td.append(b)
    tr.append(td)
    tbody.append(tr)
  }
}

$('login').addEventListener('submit', async (e) => {
  e.preventDefault()
  const f = new FormData(e.target)
  await takePair(await call('POST', '/auth/login', { json: { username: f.get('username'), password: f.get('password') } }))
})
$('me').addEventListener('click', () => call('GET', '/me', { bearer: true }))
$('refresh').addEventListener('click', async () => takePair(await call('POST', '/auth/refresh')))
$('logout').addEventListener('click', async () => {
  await call('POST', '/auth/logout', { bearer: true })
  setToken(null)
})
$('logout-all').addEventListener('click', async () => {
  await call('POST', '/auth/logout-all', { bearer: true })
  setToken(null)
})
$('sessions').addEventListener('click', listDevices)

setInterval(tick, 1000)
showCookies()
// A reload lost the in-memory token; the HttpOnly cookie, if any, gets a new one.
fetch('/auth/refresh', { method: 'POST', credentials: 'same-origin' })
  .then(async (res) => {
    // Always read the body: an unread 401 body leaves the request open (and browser drivers waiting for idle).
    const body = await res.json().catch(() => null)
    if (res.ok && body) {
      setToken(body.access_token, body.expires_in)
      show('POST /auth/refresh (on page load)', res.status, 'session restored from the refresh cookie')
    } else {
      show('POST /auth/refresh (on page load)', res.status, 'not logged in (no valid refresh cookie)')
    }
  })
  .catch(() => {})
`
