// The multi-tab refresh race. Two roles in one script:
// - on /race.html it is a TAB: it waits for "go", then refreshes its access token the way ?coord= says;
// - on any page, window.labRace.conduct() is the CONDUCTOR: it logs in once (the tabs share the refresh cookie),
//   waits for N tabs, tells them all to refresh at the same instant, collects what each got, and checks whether
//   the refresh family survived.
// Coordination (?coord=locks): navigator.locks lets one tab refresh at a time; whoever refreshed posts the new
// access token on a BroadcastChannel, and a tab that gets the lock after that takes the posted token instead of
// refreshing. Without coordination every tab presents the same refresh token at once.
;(() => {
  const CONTROL = 'lab-race'
  const TOKENS = 'lab-race-tokens'
  const $ = (id) => document.getElementById(id)

  function tab() {
    const q = new URLSearchParams(location.search)
    // Only the lab's two JWT panes: the query builds this tab's same-origin POST path, and any site can open
    // race.html?instance=stateful/auth/logout%3F in a window of its own (review H3).
    const instance = q.get('instance') === 'stateless-none' ? 'stateless-none' : 'stateless'
    const coord = q.get('coord') === 'locks' ? 'locks' : 'none'
    // Tabs answer only their own conductor: frames left from an earlier run (another group) stay out of this one.
    const group = q.get('group') || 'default'
    const id = Math.random().toString(36).slice(2, 8)
    const control = new BroadcastChannel(CONTROL)
    const tokens = new BroadcastChannel(TOKENS)
    let shared = null // {run, token}: the newest token another tab posted
    let accessToken = null
    const show = (text, cls = '') => {
      const s = $('state')
      s.textContent = text
      s.className = cls
    }
    $('mode').textContent =
      `tab ${id} · ${coord === 'locks' ? 'Web Locks + BroadcastChannel' : 'no coordination'}`
    tokens.onmessage = (e) => {
      shared = e.data
    }

    async function refreshNow() {
      const res = await fetch(`/${instance}/auth/refresh`, { method: 'POST', credentials: 'same-origin' })
      const body = await res.json().catch(() => null)
      return {
        status: res.status,
        code: body?.error ? body.error : null,
        token: body?.access_token,
      }
    }

    async function refreshFor(run) {
      if (coord === 'none') return { via: 'refresh', ...(await refreshNow()) }
      return navigator.locks.request('lab-refresh', async () => {
        if (shared && shared.run === run)
          return { via: 'broadcast', status: 200, code: null, token: shared.token }
        const r = await refreshNow()
        if (r.status === 200) tokens.postMessage({ run, token: r.token })
        return { via: 'refresh', ...r }
      })
    }

    control.onmessage = async (e) => {
      const m = e.data
      if (m.group !== group) return
      if (m.type === 'ping') control.postMessage({ type: 'ready', group, run: m.run, tab: id })
      if (m.type === 'go') {
        accessToken = null // the access token "expired": every tab needs a new one at the same moment
        show('waiting for the start…')
        await new Promise((r) => setTimeout(r, Math.max(0, m.at - Date.now())))
        let r
        try {
          r = await refreshFor(m.run)
        } catch (err) {
          r = { via: 'error', status: 0, code: String(err?.message ? err.message : err), token: null }
        }
        accessToken = r.token || null
        show(`${r.via}: ${r.status}${r.code ? ` ${r.code}` : ''}`, r.status === 200 ? 'ok' : 'bad')
        control.postMessage({
          type: 'result',
          group,
          run: m.run,
          tab: id,
          via: r.via,
          status: r.status,
          code: r.code,
          hasToken: !!accessToken,
        })
      }
    }
    show('ready')
    control.postMessage({ type: 'ready', group, run: null, tab: id })
  }

  /** Runs one trial; resolves with each tab's result and whether the family is still alive afterwards. */
  async function conduct({ n, prefix, username, password, group = 'default', timeoutMs = 15000 }) {
    const run = `${Date.now()}-${Math.random().toString(36).slice(2, 6)}`
    const control = new BroadcastChannel(CONTROL)
    const ready = new Set()
    const results = new Map()
    let wake = () => {}
    control.onmessage = (e) => {
      const m = e.data
      if (m.group !== group) return
      if (m.type === 'ready') ready.add(m.tab)
      if (m.type === 'result' && m.run === run) results.set(m.tab, m)
      wake()
    }
    const until = async (cond, what) => {
      const deadline = Date.now() + timeoutMs
      while (!cond()) {
        if (Date.now() > deadline)
          throw new Error(`timed out waiting for ${what}: ${results.size} results, ${ready.size} tabs ready`)
        await new Promise((r) => {
          wake = r
          setTimeout(r, 100)
        })
      }
    }
    try {
      await until(() => {
        control.postMessage({ type: 'ping', group, run })
        return ready.size >= n
      }, `${n} tabs`)
      const login = await fetch(`${prefix}/auth/login`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ username, password }),
        credentials: 'same-origin',
      })
      await login.text()
      if (login.status !== 200) throw new Error(`login failed: ${login.status}`)
      control.postMessage({ type: 'go', group, run, at: Date.now() + 150 })
      await until(() => results.size >= n, 'every tab’s result')
      // Is the family alive? One more refresh with whatever cookie the browser ended up holding.
      const after = await fetch(`${prefix}/auth/refresh`, { method: 'POST', credentials: 'same-origin' })
      const afterBody = await after.json().catch(() => null)
      const tabs = [...results.values()].slice(0, n)
      return {
        tabs,
        refused: tabs.filter((t) => t.status !== 200).length,
        familyAlive: after.status === 200,
        afterCode: afterBody?.error ? afterBody.error : null,
      }
    } finally {
      control.close()
    }
  }

  window.labRace = { conduct }
  if (location.pathname === '/race.html') tab()
})()
