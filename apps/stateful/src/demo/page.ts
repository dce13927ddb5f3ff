/**
 * The stateful app's own page, built from the shared pieces so it looks like the lab's sessions pane: the same
 * sections in the same order (log in, status, what the browser holds, what the server stores, devices, last
 * request/response, what the codes mean), the shared /demo.css and /demo-common.js, links to the lab and to
 * docs/choosing.md. The CSP is 'self' only, so nothing is inline; server settings reach the script as data-
 * attributes. The favicon and stylesheet routes come from `demoAssets()` (@auth-lab/shared).
 */
export interface DemoPageSettings {
  /** Where the lab runs (LAB_URL): the page links to it. */
  labUrl: string
  /** The session cookie's name: `sid`, or `__Host-sid` with COOKIE_SECURE=1. */
  cookieName: string
  store: string
  idleTtlSeconds: number
  absoluteTtlSeconds: number
}

const attr = (v: string | number) => String(v).replace(/[&<>"]/g, (ch) => `&#${ch.charCodeAt(0)};`)

export function demoHtml(s: DemoPageSettings): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Auth Lab: stateful sessions</title>
<link rel="icon" href="/favicon.svg" type="image/svg+xml">
<link rel="stylesheet" href="/demo.css">
<script src="/demo-common.js" defer></script>
<script src="/demo.js" defer></script>
</head>
<body data-lab="${attr(s.labUrl)}" data-cookie="${attr(s.cookieName)}" data-idle="${attr(s.idleTtlSeconds)}" data-absolute="${attr(s.absoluteTtlSeconds)}">
<header class="top page">
<h1>Auth Lab: stateful sessions</h1>
<nav><a href="${attr(s.labUrl)}/">The lab: sessions and JWTs side by side (${attr(s.labUrl)}/)</a> ·
<a href="${attr(s.labUrl)}/docs/choosing.md">Which one should I choose? (docs/choosing.md)</a></nav>
<p class="lead">The browser holds only an opaque session ID in an <b>HttpOnly</b> cookie, which this page’s
JavaScript cannot read; it is sent automatically with every request to this origin. The server holds a row per
session (keyed by a SHA-256 of that ID), so logging out or revoking a session takes effect on the very next request.</p>
</header>
<main class="page">
<section class="pane" id="s-pane" aria-labelledby="s-title">
<h2 id="s-title">Stateful: server-side session</h2>
<p class="badges"><span class="badge">SESSION_STORE=${attr(s.store)}</span><span class="badge">cookie ${attr(s.cookieName)}</span><span class="badge">idle ${attr(s.idleTtlSeconds)} s, absolute ${attr(s.absoluteTtlSeconds)} s</span></p>
<form id="login" class="row">
<label>User <input name="username" autocomplete="username" value="alice" size="8" required></label>
<label>Password <input name="password" type="password" autocomplete="current-password" value="alice-demo-pass" size="14" required></label>
<button type="submit">Log in</button>
</form>
<p class="row buttons">
<button type="button" id="me">GET /me</button>
<button type="button" id="devices">My devices</button>
<button type="button" id="logout">Log out</button>
<button type="button" id="logout-all">Log out everywhere</button>
</p>
<div class="status" id="status" role="status">Not logged in.</div>
<p class="hint">Demo users: alice / alice-demo-pass, bob / bob-demo-pass (admin); carol is disabled, so her login fails exactly like a wrong password.</p>
<h3>What the browser holds</h3>
<table class="kv"><tbody id="holds"></tbody></table>
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

export const DEMO_JS = `'use strict'
;(() => {
  const L = window.AuthLab
  const { $, el } = L
  const COOKIE = document.body.dataset.cookie
  let me = null // the last GET /me answer while logged in

  function holds() {
    L.renderHolds([
      ['cookie ' + COOKIE, me ? 'present (the server recognised it) · HttpOnly; SameSite=Lax; Path=/' : 'none that the server accepts',
        'Set by POST /auth/login. The page cannot see its value: that is the point of HttpOnly.'],
      ['document.cookie', JSON.stringify(document.cookie) + (document.cookie.includes(COOKIE + '=') ? ' — the session cookie is visible: misconfigured!' : ' — no session cookie: HttpOnly hides it from every script, an injected one included'),
        'What any script on this page can read.'],
      ['user', me ? me.user.username + ' (' + me.user.role + ')' : '–'],
    ])
    const store = $('store')
    store.replaceChildren(
      el('p', { text: me
        ? 'One row in the sessions table: key = SHA-256 of your cookie (the ID itself is never stored), user ' + me.user.username + ', ends ' + L.relIso(me.auth.expires_at) + ' unless used again (idle ' + L.span(Number(document.body.dataset.idle)) + ', at most ' + L.span(Number(document.body.dataset.absolute)) + ' after login).'
        : 'Nothing for this browser: no session row.' }),
      el('p', { class: 'hint', text: 'The lab (' + document.body.dataset.lab + '/) shows the row itself, read from the database.' }),
    )
  }

  async function whoami(quietStatus) {
    const r = await L.call('GET', '/me')
    me = r.status === 200 ? r.body : null
    holds()
    if (!quietStatus) L.note(r.status === 200 ? 'GET /me: 200 — ' + r.body.user.username + ', session ends ' + L.relIso(r.body.auth.expires_at) + ' unless used again' : L.describe(r, 'GET /me'), r.status === 200 ? 'ok' : 'bad')
    return r
  }

  async function devices() {
    const r = await L.call('GET', '/auth/sessions')
    L.renderDevices(r, async (s) => {
      const d = await L.call('DELETE', '/auth/sessions/' + encodeURIComponent(s.id))
      L.note(d.status === 204 ? 'Session revoked (204): its cookie is refused from the next request on.' : L.describe(d, 'revoke'), d.status === 204 ? 'ok' : 'bad')
      await whoami(true)
      await devices()
    })
  }

  $('login').addEventListener('submit', async (e) => {
    e.preventDefault()
    const f = new FormData(e.target)
    const username = String(f.get('username'))
    const r = await L.call('POST', '/auth/login', { json: { username, password: String(f.get('password')) } })
    L.note(r.status === 200 ? 'Logged in as ' + r.body.user.username + '.' : L.describe(r, 'Log in'), r.status === 200 ? 'ok' : 'bad')
    await whoami(true)
  })
  $('me').addEventListener('click', () => whoami(false))
  $('devices').addEventListener('click', devices)
  for (const [id, path, label] of [['logout', '/auth/logout', 'Logged out'], ['logout-all', '/auth/logout-all', 'Logged out everywhere']]) {
    $(id).addEventListener('click', async () => {
      const r = await L.call('POST', path)
      // The logout's own result stays on screen: the following /me 401 is the expected outcome, not an error.
      L.note(r.status === 204 ? label + ' (204): the row is deleted; the old cookie is refused from now on.' : L.describe(r, label), r.status === 204 ? 'ok' : 'bad')
      await whoami(true)
    })
  }

  const legend = $('legend')
  for (const code of ['invalid_credentials', 'too_many_attempts', 'unauthenticated', 'csrf', 'not_found'])
    legend.append(el('dt', { text: code }), el('dd', { text: L.EXPLAIN[code] }), el('br'))

  setInterval(L.renderLog, 5000)
  // A reload must not forget you: the HttpOnly cookie is still there, so ask the server who we are.
  whoami(true).then((r) => {
    L.note(r.status === 200 ? 'Restored after reload: the session cookie still works (' + r.body.user.username + ').' : 'Not logged in (GET /me: ' + r.status + ' — no session cookie yet).', r.status === 200 ? 'ok' : '')
    document.body.dataset.ready = '1'
  })
})()
`
