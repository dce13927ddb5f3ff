import { readFileSync } from 'node:fs'

/** One "tab" of the multi-tab race (framed by the lab page, or opened as real tabs by the e2e suite). */
export const RACE_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Auth Lab: race tab</title>
<link rel="icon" href="/favicon.svg" type="image/svg+xml">
<link rel="stylesheet" href="/demo.css">
<script src="/race.js" defer></script>
</head>
<body class="race-tab">
<p class="hint" id="mode">…</p>
<p class="status" id="state">loading</p>
</body>
</html>
`

/** The race script: a real .js file beside this module (no bundler; read once at start). */
export const RACE_JS = readFileSync(new URL('./race.client.js', import.meta.url), 'utf8')
