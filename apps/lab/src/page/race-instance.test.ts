import { runInNewContext } from 'node:vm'
import { describe, expect, it } from 'vitest'
import { RACE_JS } from './race.js'

/**
 * Review H: a race tab (`/race.html`, served by the lab on its own origin) builds its refresh URL from the query
 * string: `fetch(`/${instance}/auth/refresh`)`. A cross-site page can open
 * `http://localhost:3000/race.html?instance=stateful/auth/logout%3F` in the victim's browser (a top-level window:
 * frame-ancestors does not apply). The tab joins the lab's BroadcastChannel (same origin, group `default`, the
 * lab's own), and when the victim runs the race it sends a same-origin POST — Origin = the lab, which every app
 * accepts — to a path the attacker chose: here it logs the victim's sessions pane out.
 * The script runs in a vm with stubbed DOM, BroadcastChannel and fetch; the conductor's "go" is delivered by hand.
 */
function runTab(search: string) {
  const channels: { name: string; onmessage: ((e: { data: unknown }) => unknown) | null }[] = []
  const fetched: { url: string; method?: string }[] = []
  class BroadcastChannel {
    onmessage: ((e: { data: unknown }) => unknown) | null = null
    constructor(public name: string) {
      channels.push(this)
    }
    postMessage() {}
    close() {}
  }
  const nodes: Record<string, { textContent: string; className: string }> = {}
  const sandbox: Record<string, unknown> = {
    location: { search, pathname: '/race.html' },
    document: {
      getElementById: (id: string) => {
        nodes[id] ??= { textContent: '', className: '' }
        return nodes[id]
      },
    },
    BroadcastChannel,
    URLSearchParams,
    setTimeout,
    Date,
    Math,
    Promise,
    String,
    navigator: {},
    fetch: async (url: string, init?: { method?: string }) => {
      fetched.push({ url, method: init?.method })
      return { status: 200, json: async () => ({ access_token: 'x' }) }
    },
  }
  sandbox.window = sandbox
  runInNewContext(RACE_JS, sandbox)
  const control = channels.find((c) => c.name === 'lab-race')
  return { control, fetched }
}

describe('a race tab (session 11 review H) refreshes only one of the lab’s instances', () => {
  it('H3: ?instance= cannot point the tab’s POST at another lab path (here: the sessions logout)', async () => {
    const { control, fetched } = runTab('?instance=stateful/auth/logout%3F&coord=none')
    await control?.onmessage?.({ data: { type: 'go', group: 'default', run: 'r1', at: Date.now() } })
    expect(fetched.length).toBeLessThanOrEqual(1)
    for (const f of fetched) expect(f.url).toMatch(/^\/(stateful|stateless|stateless-none)\/auth\/refresh$/)
  })

  it('held: the lab’s own tabs (?instance=stateless) refresh /stateless/auth/refresh', async () => {
    const { control, fetched } = runTab('?instance=stateless&coord=none')
    await control?.onmessage?.({ data: { type: 'go', group: 'default', run: 'r1', at: Date.now() } })
    expect(fetched).toEqual([{ url: '/stateless/auth/refresh', method: 'POST' }])
  })
})
