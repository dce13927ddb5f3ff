/**
 * The demo page, served from memory: HTML at `/`, script at `/demo.js`, style at `/demo.css`. The CSP allows
 * scripts and styles only from our own origin, so nothing is inline and nothing comes from a CDN.
 */
export const DEMO_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Auth Lab: stateful sessions</title>
<link rel="stylesheet" href="/demo.css">
<script src="/demo.js" defer></script>
</head>
<body>
<main>
<h1>Auth Lab: stateful sessions</h1>
<p class="hint">Compare with JWTs side by side in the lab: <a href="http://localhost:3000/">http://localhost:3000/</a> ·
<a href="http://localhost:3000/docs/choosing.md">which one should I choose? (docs/choosing.md)</a></p>
<p class="explain">Your browser holds only an opaque session ID in an HttpOnly cookie, which this page's
JavaScript cannot read; it is sent automatically with every request to this origin.
The server holds a row per session (keyed by a SHA-256 of that ID, with your user, its timestamps and expiries),
so logging out or revoking a session takes effect on the very next request.</p>

<section>
<h2>Log in</h2>
<form id="login">
<label>Username <input name="username" autocomplete="username" value="alice" required></label>
<label>Password <input name="password" type="password" autocomplete="current-password" value="alice-demo-pass" required></label>
<button type="submit">Log in</button>
</form>
<p class="hint">Demo users: alice / alice-demo-pass, bob / bob-demo-pass (carol is disabled).</p>
</section>

<section>
<h2>Who am I?</h2>
<button id="whoami" type="button">GET /me</button>
<p>Server-Timing: <code id="timing">–</code></p>
<pre id="me">–</pre>
</section>

<section>
<h2>My sessions</h2>
<button id="list" type="button">GET /auth/sessions</button>
<table id="sessions"><thead><tr><th>created</th><th>last seen</th><th>expires</th><th>user agent</th><th></th></tr></thead><tbody></tbody></table>
</section>

<section>
<h2>Log out</h2>
<button id="logout" type="button">Log out</button>
<button id="logout-all" type="button">Log out everywhere</button>
</section>

<p id="status" role="status"></p>
</main>
</body>
</html>
`

export const DEMO_JS = `'use strict'
const $ = (id) => document.getElementById(id)
const status = (text) => { $('status').textContent = text }

async function call(method, path, body) {
  const init = { method, headers: {}, credentials: 'same-origin' }
  if (body !== undefined) {
    init.headers['Content-Type'] = 'application/json'
    init.body = JSON.stringify(body)
  }
  const res = await fetch(path, init)
  const text = await res.text()
  let json = null
  try { json = text ? JSON.parse(text) : null } catch { json = null }
  return { res, json, text }
}

function describe(r) {
  return r.res.status + (r.json && r.json.error ? ' ' + r.json.error : '')
}

$('login').addEventListener('submit', async (e) => {
  e.preventDefault()
  const f = new FormData(e.target)
  const r = await call('POST', '/auth/login', { username: f.get('username'), password: f.get('password') })
  status('login: ' + describe(r) + (r.json && r.json.user ? ' as ' + r.json.user.username : ''))
  if (r.res.ok) await whoami(true)
})

// keepStatus: after login/logout the status line keeps that action's result (a 401 from /me after a logout is
// the expected outcome, not an error to show in its place).
async function whoami(keepStatus) {
  const r = await call('GET', '/me')
  $('timing').textContent = r.res.headers.get('Server-Timing') || '–'
  $('me').textContent = r.json ? JSON.stringify(r.json, null, 2) : r.text
  if (keepStatus !== true) status('/me: ' + describe(r))
  return r
}
$('whoami').addEventListener('click', () => whoami())

async function list() {
  const r = await call('GET', '/auth/sessions')
  const body = $('sessions').querySelector('tbody')
  body.replaceChildren()
  status('/auth/sessions: ' + describe(r))
  if (!r.res.ok) return
  for (const s of r.json.sessions) {
    const tr = document.createElement('tr')
    for (const v of [s.created_at, s.last_seen_at, s.expires_at, s.user_agent || '']) {
      const td = document.createElement('td')
      td.textContent = v
      tr.append(td)
    }
    const td = document.createElement('td')
    const b = document.createElement('button')
    b.type = 'button'
    b.textContent = s.current ? 'revoke (this one)' : 'revoke'
    b.addEventListener('click', async () => {
      const d = await call('DELETE', '/auth/sessions/' + encodeURIComponent(s.id))
      status('revoke: ' + describe(d))
      await list()
    })
    td.append(b)
    tr.append(td)
    body.append(tr)
  }
}
$('list').addEventListener('click', list)

$('logout').addEventListener('click', async () => {
  status('logout: ' + describe(await call('POST', '/auth/logout')))
  await whoami(true)
})
$('logout-all').addEventListener('click', async () => {
  status('logout-all: ' + describe(await call('POST', '/auth/logout-all')))
  await whoami(true)
})

// A reload must not forget you: the HttpOnly cookie is still there, so ask the server who we are.
whoami(true).then((r) => status(r.res.ok ? 'Logged in (restored after reload).' : 'Not logged in.'))
`

export const DEMO_CSS = `body { font: 15px/1.5 system-ui, sans-serif; margin: 0; background: #f6f7f9; color: #1d2330; }
main { max-width: 52rem; margin: 2rem auto; padding: 0 1rem; }
section { background: #fff; border: 1px solid #dde1e8; border-radius: 8px; padding: 0.75rem 1rem; margin: 1rem 0; }
h1 { font-size: 1.5rem; } h2 { font-size: 1.1rem; margin: 0.25rem 0 0.5rem; }
.explain { background: #eef4ff; border-left: 4px solid #3b6fd8; padding: 0.5rem 0.75rem; }
.hint { color: #5b6475; font-size: 0.9rem; }
label { margin-right: 1rem; } input { font: inherit; padding: 0.2rem 0.4rem; }
button { font: inherit; padding: 0.25rem 0.75rem; cursor: pointer; }
pre { background: #1d2330; color: #e8ecf3; padding: 0.75rem; border-radius: 6px; overflow-x: auto; }
table { border-collapse: collapse; width: 100%; margin-top: 0.5rem; font-size: 0.85rem; }
th, td { text-align: left; padding: 0.25rem 0.4rem; border-bottom: 1px solid #e5e8ee; }
#status { font-weight: 600; }
`
