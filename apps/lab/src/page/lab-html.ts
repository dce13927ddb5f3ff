/**
 * The lab page: two panes (sessions | JWT) over one origin, the experiments above them, the multi-tab race below.
 * Served from memory; script and style from our own origin only (the front's CSP forbids inline code). The panes
 * share one template so both show the same sections in the same order.
 */
function pane(p: 's' | 'j', title: string, lead: string): string {
  const jwt = p === 'j'
  return `<section class="pane" id="${p}-pane" aria-labelledby="${p}-title">
<h2 id="${p}-title">${title}</h2>
<p class="badges" id="${p}-badges"></p>
${jwt ? `<p class="modes">Instance: <label><input type="radio" name="j-mode" value="stateless-none" checked> REVOCATION=none (pure stateless)</label> <label><input type="radio" name="j-mode" value="stateless"> REVOCATION=denylist (checked)</label></p>` : ''}
<p class="lead">${lead}</p>
<form id="${p}-login" class="row">
<label>User <input name="username" autocomplete="username" value="alice" size="8"></label>
<label>Password <input name="password" type="password" autocomplete="current-password" value="alice-demo-pass" size="14"></label>
<button type="submit">Log in</button>
</form>
<p class="row buttons">
<button type="button" id="${p}-me">GET /me</button>
${jwt ? `<button type="button" id="${p}-refresh">POST /auth/refresh</button>` : ''}
<button type="button" id="${p}-devices">My devices</button>
<button type="button" id="${p}-logout">Log out</button>
<button type="button" id="${p}-logout-all">Log out everywhere</button>
${jwt ? `<label class="inline"><input type="checkbox" id="${p}-auto" checked> refresh automatically before expiry</label> <span class="hint" id="${p}-auto-paused"></span>` : ''}
</p>
<p class="row buttons xss">
<button type="button" id="${p}-xss" title="Runs attacker script in this page's origin, as an XSS would, and shows what it gets">XSS drill: run “attacker” script</button>
${jwt ? `<label class="inline" title="The contrast variant: what many tutorials do, and why this page does not"><input type="checkbox" id="j-ls"> contrast: also keep the access token in <code>localStorage</code></label>` : ''}
</p>
<p class="status" id="${p}-status" role="status">Not logged in.</p>
<h3>What the browser holds</h3>
<div class="scroll"><table class="kv"><tbody id="${p}-holds"></tbody></table></div>
${jwt ? `<div class="grid2"><div><h4>JWT header</h4><div class="claims" id="j-header">–</div></div><div><h4>JWT payload <span class="hint">(hover a claim)</span></h4><div class="claims" id="j-payload">–</div></div></div>` : ''}
<h3>What the server stores for this user now</h3>
<div id="${p}-store" class="store">–</div>
<h3>Devices (<code>GET /auth/sessions</code>)</h3>
<div class="scroll"><table class="list"><thead><tr><th>device</th><th>created</th><th>last seen</th><th>expires</th><th></th></tr></thead><tbody id="${p}-device-list"><tr><td colspan="5" class="hint">Press “My devices”.</td></tr></tbody></table></div>
<h3>Last request / response</h3>
<pre id="${p}-last" class="last">–</pre>
</section>`
}

export const LAB_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Auth Lab: sessions and JWTs side by side</title>
<link rel="icon" href="/favicon.svg" type="image/svg+xml">
<link rel="stylesheet" href="/demo.css">
<link rel="stylesheet" href="/lab.css">
<script src="/demo-common.js" defer></script>
<script src="/race.js" defer></script>
<script src="/lab.js" defer></script>
</head>
<body>
<header class="top">
<h1>Auth Lab: sessions and JWTs side by side</h1>
<nav><a href="/docs/choosing.md">Which one should I choose? (docs/choosing.md)</a> · <a href="/docs/sample-report/report.html">The sample benchmark report</a> · <a href="/docs/lab.md">What this page shows (docs/lab.md)</a> · <span id="direct-links"></span></nav>
<p class="lead">Left, the server remembers you (a session row, found by a cookie). Right, the server remembers nothing
about the request (a signed JWT in page memory, renewed with a rotating refresh cookie). Both run on one SQLite file
and one user table; this page reaches them through a same-origin proxy (<code>/stateful/…</code>,
<code>/stateless-none/…</code>, <code>/stateless/…</code>). Demo users: alice / alice-demo-pass, bob / bob-demo-pass
(admin); carol is disabled, so her login fails exactly like a wrong password.</p>
</header>

<section class="experiments" aria-labelledby="exp-title">
<h2 id="exp-title">Experiments (one click; both panes react)</h2>
<div class="exp-buttons">
<button type="button" id="x-replay" title="Copy the credential, log out, replay the copy from elsewhere">Log out, then replay the old credential</button>
<button type="button" id="x-revoke" title="A second device logs in; this pane revokes it; the second device tries again">Revoke another device</button>
<button type="button" id="x-password" title="Change the password (and back); other devices try again">Change the password</button>
<button type="button" id="x-expire" title="Stop auto refresh and wait past exp + clock tolerance">Let the access token expire</button>
<button type="button" id="x-steal" title="A thief copies the refresh cookie and uses it; then the real tab refreshes">Steal the refresh token, use it twice</button>
</div>
<div class="row restart">
<span>Restart the servers with:</span>
<label>sessions store <select id="x-store"><option value="sqlite">SQLite</option><option value="memory">memory</option></select></label>
<label>JWT keys <select id="x-keys"><option value="persist">persisted (key file)</option><option value="ephemeral">ephemeral (in memory)</option></select></label>
<button type="button" id="x-restart">Restart both, then retry</button>
</div>
<div id="exp-out" class="exp-out" aria-live="polite"><p class="hint">Each experiment logs in where needed and shows every step: what was sent, the status, and what it means.</p></div>
</section>

<div class="panes">
${pane('s', 'Stateful: server-side session', 'The browser holds one opaque ID in an <b>HttpOnly</b> cookie; the server keeps a row keyed by the ID’s SHA-256. Logging out deletes the row: the next request with the old cookie is refused at once.')}
${pane('j', 'Stateless: JWT access token + refresh cookie', 'The access token (a signed JWT, valid <span id="j-ttl">a few</span> s) lives in a JavaScript variable and is sent as <code>Authorization: Bearer</code>; the refresh token sits in an HttpOnly cookie scoped to <code>/auth</code>. Under <b>REVOCATION=none</b> nothing is checked per request: a revoked token keeps working until its <code>exp</code>.')}
</div>

<section class="race" aria-labelledby="race-title">
<h2 id="race-title">The multi-tab refresh race</h2>
<p class="lead">N tabs share one refresh cookie. Their access tokens expire together and they all refresh at once. Under
strict rotation (REFRESH_GRACE=0) the server sees one refresh token presented N times: the first wins, the rest look
like a thief replaying it, and <b>reuse detection revokes the whole family</b>: every tab is logged out. The fixes:
client coordination (a Web Lock lets one tab refresh; the others take its token over a BroadcastChannel) and a server
grace window (the token rotated last may be replayed for a few seconds).</p>
<div class="row">
<label>Tabs <select id="r-n"><option>2</option><option>3</option><option selected>5</option></select></label>
<label>Client <select id="r-coord"><option value="none">no coordination</option><option value="locks">Web Locks + BroadcastChannel</option></select></label>
<label>Server <select id="r-grace"><option value="0">strict rotation (REFRESH_GRACE=0)</option><option value="10">grace window (REFRESH_GRACE=10)</option></select></label>
<button type="button" id="r-run">Run the race</button>
</div>
<div id="r-frames" class="frames"></div>
<div id="r-out"></div>
<h3>Measured in real browser tabs (Playwright, <code>reports/e2e/multi-tab-race.json</code>)</h3>
<div id="r-report" class="hint">Loading…</div>
</section>
<footer class="hint">Auth Lab · the lab front is a development tool on loopback: its <code>/lab/api</code> reads every user’s rows.</footer>
</body>
</html>
`
