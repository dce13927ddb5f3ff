/**
 * The stateless app's own page, built from the shared pieces so it looks like the lab's JWT pane: the same
 * sections in the same order as the sessions page (log in, status, what the browser holds, what the server stores,
 * devices, last request/response, what the codes mean), the shared /demo.css and /demo-common.js, links to the lab
 * and docs/choosing.md. The CSP is 'self' only: nothing inline; server settings (clock tolerance, revocation mode,
 * algorithm) reach the script as data- attributes, so the countdown knows when the server really stops accepting.
 */
export interface DemoPageSettings {
  /** Where the lab runs (LAB_URL): the page links to it. */
  labUrl: string
  /** The refresh cookie's name: `rt`, or `__Secure-rt` with COOKIE_SECURE=1. */
  cookieName: string
  revocation: string
  alg: string
  accessTtl: number
  clockTolerance: number
  refreshGrace: number
}

const attr = (v: string | number) => String(v).replace(/[&<>"]/g, (ch) => `&#${ch.charCodeAt(0)};`)

export function demoHtml(s: DemoPageSettings): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Auth Lab: stateless JWT (REVOCATION=${attr(s.revocation)})</title>
<link rel="icon" href="/favicon.svg" type="image/svg+xml">
<link rel="stylesheet" href="/demo.css">
<script src="/demo-common.js" defer></script>
<script type="module" src="/demo.js"></script>
</head>
<body data-lab="${attr(s.labUrl)}" data-cookie="${attr(s.cookieName)}" data-tolerance="${attr(s.clockTolerance)}" data-alg="${attr(s.alg)}" data-revocation="${attr(s.revocation)}">
<header class="top page">
<h1>Auth Lab: stateless JWT (REVOCATION=${attr(s.revocation)})</h1>
<nav><a href="${attr(s.labUrl)}/">The lab: sessions and JWTs side by side (${attr(s.labUrl)}/)</a> ·
<a href="${attr(s.labUrl)}/docs/choosing.md">Which one should I choose? (docs/choosing.md)</a></nav>
<p class="lead">The browser holds two things. The <b>access token</b> (a signed JWT, valid ${attr(s.accessTtl)} s) lives
only in a JavaScript variable of this page and is sent as <code>Authorization: Bearer</code>. The <b>refresh token</b>
lives in an <b>HttpOnly</b> cookie scoped to <code>/auth</code> that no script can read; the server keeps only its SHA-256.</p>
<p class="lead">Why not <code>localStorage</code>? Anything there is readable by every script on the origin, so one XSS
bug exfiltrates a token that keeps working elsewhere until it expires. A variable in memory vanishes with the tab; a
reload gets a new access token from the refresh cookie (<code>POST /auth/refresh</code>).</p>
</header>
<main class="page">
<section class="pane" id="j-pane" aria-labelledby="j-title">
<h2 id="j-title">Stateless: JWT access token + refresh cookie</h2>
<p class="badges"><span class="badge${s.revocation === 'none' ? ' warn' : ''}">REVOCATION=${attr(s.revocation)}</span><span class="badge">JWT_ALG=${attr(s.alg)}</span><span class="badge">ACCESS_TTL=${attr(s.accessTtl)} s</span><span class="badge">CLOCK_TOLERANCE=${attr(s.clockTolerance)} s</span><span class="badge">REFRESH_GRACE=${attr(s.refreshGrace)} s</span><span class="badge">cookie ${attr(s.cookieName)}</span></p>
<form id="login" class="row">
<label>User <input name="username" autocomplete="username" value="alice" size="8"></label>
<label>Password <input name="password" type="password" autocomplete="current-password" value="alice-demo-pass" size="14"></label>
<button type="submit">Log in</button>
</form>
<p class="row buttons">
<button type="button" id="me">GET /me</button>
<button type="button" id="refresh">POST /auth/refresh</button>
<button type="button" id="devices">My devices</button>
<button type="button" id="logout">Log out</button>
<button type="button" id="logout-all">Log out everywhere</button>
<label class="inline"><input type="checkbox" id="auto" checked> refresh automatically before expiry</label>
</p>
<p class="hint warn" id="shared-cookie">This page shares its refresh cookie with every other JWT page on this host
(cookies are per host, not per port; the lab starts two JWT servers, by default denylist on :3002 and none on :3003):
all keep <code>${attr(s.cookieName)}</code> at Path=/auth. A login on the other page replaces this page's cookie, so this
page's next refresh continues as that login; a logout there logs this page out at its next refresh. Use one at a time
(the lab's panes keep separate cookies).</p>
<div class="status" id="status" role="status">Not logged in.</div>
<p class="hint">Demo users: alice / alice-demo-pass, bob / bob-demo-pass (admin); carol is disabled, so her login fails exactly like a wrong password.</p>
<h3>What the browser holds</h3>
<table class="kv"><tbody id="holds"></tbody></table>
<div class="grid2"><div><h4>JWT header</h4><div class="claims" id="jwt-header">–</div></div><div><h4>JWT payload <span class="hint">(hover a claim)</span></h4><div class="claims" id="jwt-payload">–</div></div></div>
<h3>What the server stores for this user now</h3>
<div id="store" class="store"></div>
<h3>Devices (<code>GET /auth/sessions</code>)</h3>
<table class="list"><thead><tr><th>device</th><th>created</th><th>last seen</th><th>expires</th><th></th></tr></thead><tbody id="device-list"><tr><td colspan="5" class="hint">Press “My devices”.</td></tr></tbody></table>
<h3>Last request / response</h3>
<pre id="last" class="last">–</pre>
<h3>What the error codes mean</h3>
<dl class="legend" id="legend"></dl>
</section>
</main>
</body>
</html>
`
}

export const DEMO_JS = `// The access token lives in this module-scoped variable only: never localStorage, sessionStorage or a cookie.
const L = window.AuthLab
const { $, el } = L
const COOKIE = document.body.dataset.cookie
const TOLERANCE = Number(document.body.dataset.tolerance)
const MODE = document.body.dataset.revocation
let accessToken = null
let claims = null
let header = null
let refusedEarly = false // the server refused the token before exp + tolerance (so: revoked or key gone)
let refreshing = false
let jwks = null

function setToken(token) {
  accessToken = token
  refusedEarly = false
  header = claims = null
  if (token) {
    const parts = token.split('.')
    header = L.decodePart(parts[0])
    claims = parts.length === 3 ? L.decodePart(parts[1]) : null
  }
  render()
}

/** What the countdown says: it knows the clock tolerance, and that a refusal before it ran out means revoked. */
function tokenState() {
  if (!accessToken) return ['no token in memory', '']
  if (!claims) return ['encrypted (JWE): only the server can read exp', '']
  const left = claims.exp - Date.now() / 1000
  if (refusedEarly && left > -TOLERANCE)
    return ['refused by the server before exp + tolerance: revoked (or its signing key is gone); the 401 itself does not say which', 'bad']
  if (left > 0) return ['valid, expires in ' + L.span(left), 'ok']
  if (left > -TOLERANCE)
    return ['expired ' + L.span(left) + ' ago — the server still accepts it for ' + L.span(TOLERANCE + left) + ' more (CLOCK_TOLERANCE=' + TOLERANCE + ' s)', 'warn']
  return ['expired ' + L.span(left) + ' ago (past exp + tolerance) — refused; a refresh gets a new one', 'bad']
}

function render() {
  const [state, cls] = tokenState()
  L.renderHolds([
    ['access token', accessToken ? accessToken.length + ' chars in a JS variable · ' + state : state, 'Sent as Authorization: Bearer. Not in any storage: a reload drops it and the refresh cookie buys a new one.', cls],
    ['cookie ' + COOKIE, 'HttpOnly; SameSite=Strict; Path=/auth · the page cannot see whether it is there (that is the point)', 'Set by login and every refresh (rotated: each refresh token works once).'],
    ['document.cookie', JSON.stringify(document.cookie) + (document.cookie.includes(COOKIE + '=') ? ' — the refresh cookie is visible: misconfigured!' : ' — no refresh cookie: HttpOnly (and Path=/auth) hide it from every script'), 'What any script on this page can read.'],
  ])
  L.renderClaims($('jwt-header'), header)
  L.renderClaims($('jwt-payload'), claims, accessToken ? '(JWE: the payload is encrypted; only the server can read it)' : '–')
  const store = $('store')
  const kids = [
    el('p', { text: 'No session row: /me checks the signature' + (MODE === 'none' ? ' and nothing else (REVOCATION=none: a logged-out or revoked token keeps working until exp).' : MODE === 'denylist' ? ' plus one deny-list lookup by jti/sid (REVOCATION=denylist: logout and revoke bite at once).' : ' plus the user’s token version (REVOCATION=version: “log out everywhere” bites at once; a single logout waits for exp).') }),
    el('p', { text: 'Per device, a refresh family: the SHA-256 of each refresh token, its rotation chain, and whether it was used (a used token presented again = theft: the family is revoked).' }),
  ]
  if (jwks) {
    kids.push(el('p', { text: 'Public keys (GET /.well-known/jwks.json): ' + (jwks.keys.length ? jwks.keys.map((k) => k.kid + ' (' + k.alg + ')').join(', ') + ' — any other service can verify our tokens with these, without calling us.' : '{"keys":[]} — empty because ' + document.body.dataset.alg + ' is symmetric: the key that verifies also signs, so it is never published. Other services would need the secret itself; use RS256/ES256/EdDSA to let them verify from the JWKS.') }))
  }
  kids.push(el('p', { class: 'hint', text: 'The lab (' + document.body.dataset.lab + '/) shows the families, the deny-list and the key ids, read from the database.' }))
  store.replaceChildren(...kids)
}

async function call(method, path, opts = {}) {
  return L.call(method, path, { ...opts, bearer: opts.bearer ? accessToken : undefined })
}
function takePair(r) {
  if (r.status === 200 && r.body && r.body.access_token) setToken(r.body.access_token)
  else if (r.status === 401) setToken(null)
}

async function me() {
  const r = await call('GET', '/me', { bearer: true })
  if (r.status === 200) L.note('GET /me: 200 — ' + r.body.user.username, 'ok')
  else {
    let here = ''
    if (accessToken && claims) {
      const passed = claims.exp + TOLERANCE <= Date.now() / 1000
      refusedEarly = !passed
      here = passed ? ' Here: the token is past exp + tolerance, so EXPIRED.' : ' Here: exp + tolerance has not passed, so it was REVOKED (or its key is gone).'
    }
    L.note(L.describe(r, 'GET /me') + here, 'bad')
  }
  render()
}
async function refresh(why, quiet) {
  refreshing = true
  try {
    const before = claims
    const r = await call('POST', '/auth/refresh')
    takePair(r)
    if (!quiet) L.note(r.status === 200 ? 'Refreshed' + (why || '') + ': new access token, refresh cookie rotated.' : L.describe(r, 'Refresh' + (why || '')), r.status === 200 ? 'ok' : 'bad')
    // A rotation stays in its family (same sid). Another sid means the cookie came from a login elsewhere: another
    // JWT page on this host (another port) replaced the shared refresh cookie. Say so, and who this page is now.
    if (r.status === 200 && before && claims && before.sid !== claims.sid)
      L.note('Careful: this refresh cookie came from another login (device ' + before.sid + ' → ' + claims.sid + '): another JWT page on this host (another port) logged in and replaced the shared cookie. This page now acts as ' + who(claims) + (who(before) === who(claims) ? '' : ', no longer ' + who(before)) + '.', 'warn')
    return r
  } finally {
    refreshing = false
  }
}
const who = (c) => c.preferred_username || c.username || 'user ' + c.sub
async function devices() {
  const r = await call('GET', '/auth/sessions', { bearer: true })
  L.renderDevices(r, async (s) => {
    const d = await call('DELETE', '/auth/sessions/' + encodeURIComponent(s.id), { bearer: true })
    L.note(d.status === 204 ? 'Device revoked (204): its refresh family is dead' + (MODE === 'none' ? '; its access token still works until exp (REVOCATION=none).' : '; its access token is refused at once.') : L.describe(d, 'revoke'), d.status === 204 ? 'ok' : 'bad')
    await devices()
  })
}

$('login').addEventListener('submit', async (e) => {
  e.preventDefault()
  const f = new FormData(e.target)
  const r = await call('POST', '/auth/login', { json: { username: String(f.get('username')), password: String(f.get('password')) } })
  takePair(r)
  L.note(r.status === 200 ? 'Logged in as ' + r.body.user.username + '.' : L.describe(r, 'Log in'), r.status === 200 ? 'ok' : 'bad')
})
$('me').addEventListener('click', me)
$('refresh').addEventListener('click', () => refresh(''))
$('devices').addEventListener('click', devices)
for (const [id, path, label] of [['logout', '/auth/logout', 'Logged out'], ['logout-all', '/auth/logout-all', 'Logged out everywhere']]) {
  $(id).addEventListener('click', async () => {
    const r = await call('POST', path, { bearer: true })
    L.note(r.status === 204 ? label + ' (204): the refresh family is revoked' + (MODE === 'none' ? '; a copy of the access token would still work until exp.' : '.') : L.describe(r, label), r.status === 204 ? 'ok' : 'bad')
    setToken(null)
  })
}

const legend = $('legend')
for (const code of ['invalid_credentials', 'too_many_attempts', 'invalid_token', 'invalid_refresh_token', 'refresh_token_reused', 'csrf'])
  legend.append(el('dt', { text: code }), el('dd', { text: L.EXPLAIN[code] }), el('br'))

setInterval(() => {
  render()
  L.renderLog()
  // Refresh before expiry (10 s or a quarter of the lifetime before exp), so a page left open stays logged in.
  if (!accessToken || !claims || refreshing || !$('auto').checked) return
  const left = claims.exp - Date.now() / 1000
  if (left < Math.min(10, (claims.exp - claims.iat) / 4)) refresh(' automatically before expiry')
}, 1000)

fetch('/.well-known/jwks.json').then(async (r) => {
  jwks = await r.json()
  render()
})
// A reload lost the in-memory token; the HttpOnly refresh cookie, if any, gets a new one (and the body is read).
refresh(' on page load', true).then((r) => {
  L.note(r.status === 200 ? 'Restored after reload: the refresh cookie bought a new access token.' : 'Not logged in (no valid refresh cookie).', r.status === 200 ? 'ok' : '')
  document.body.dataset.ready = '1'
})
`
