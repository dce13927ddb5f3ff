import type { BrowserContext, Page } from 'playwright-core'

/**
 * The multi-tab refresh race, driven in real browser tabs (shared by the e2e suite and the bench's `race`
 * scenario, which imports it from `@auth-lab/test/e2e`). N tabs of one browser context share the refresh cookie;
 * per trial the conductor (window.labRace on the lab page) logs in once, then every tab drops its access token and
 * refreshes at the same instant. A tab counts as logged out if its own refresh was refused, or all N if the
 * family was revoked (a follow-up refresh fails).
 */
export interface RaceCombination {
  client: 'no coordination' | 'Web Locks + BroadcastChannel'
  grace: number
  tabs: number
  trials: number
  logouts: number
  familyKilledTrials: number
  refusedRefreshes: number
  tokensTakenFromBroadcast: number
}

export interface RaceOptions {
  /** The lab page (window.labRace loaded) and its context, where the tabs are opened. */
  page: Page
  context: BrowserContext
  labUrl: string
  /** Restarts the lab's `stateless` (denylist) instance with this REFRESH_GRACE. */
  restartWithGrace(grace: number): Promise<void>
  n: number
  trials: number
  graces?: readonly number[]
  clients?: readonly ('none' | 'locks')[]
  onProgress?: (line: string) => void
  /** Called with the first tab of each combination before the tabs close (e.g. a screenshot). */
  onCombinationDone?: (tab: Page, client: string, grace: number) => Promise<void>
}

export const RACE_METHOD =
  'N tabs of one browser context share the refresh cookie; per trial one login, then every tab drops its access token and refreshes at the same instant (BroadcastChannel start signal). A tab is logged out if its refresh was refused or its family was revoked (a follow-up refresh fails).'

export async function runRace(o: RaceOptions): Promise<RaceCombination[]> {
  const out: RaceCombination[] = []
  for (const grace of o.graces ?? [0, 10]) {
    await o.restartWithGrace(grace)
    for (const client of o.clients ?? ['none', 'locks']) {
      const group = `race-${client}-${grace}-${Date.now()}`
      // The tabs load side by side: nothing is measured until every one is ready and the race is conducted.
      const tabs: Page[] = await Promise.all(
        Array.from({ length: o.n }, async () => {
          const t = await o.context.newPage()
          await t.goto(`${o.labUrl}/race.html?instance=stateless&coord=${client}&group=${group}`)
          await t.waitForFunction(() => document.getElementById('state')?.textContent === 'ready')
          return t
        }),
      )
      const c: RaceCombination = {
        client: client === 'locks' ? 'Web Locks + BroadcastChannel' : 'no coordination',
        grace,
        tabs: o.n,
        trials: o.trials,
        logouts: 0,
        familyKilledTrials: 0,
        refusedRefreshes: 0,
        tokensTakenFromBroadcast: 0,
      }
      for (let trial = 0; trial < o.trials; trial++) {
        const r = await o.page.evaluate(
          ([n, g]) =>
            (window as unknown as RaceWindow).labRace.conduct({
              n,
              group: g,
              prefix: '/stateless',
              username: 'bob',
              password: 'bob-demo-pass',
            }),
          [o.n, group] as const,
        )
        c.refusedRefreshes += r.refused
        c.tokensTakenFromBroadcast += r.tabs.filter((t) => t.via === 'broadcast').length
        if (!r.familyAlive) c.familyKilledTrials += 1
        c.logouts += r.familyAlive ? r.refused : o.n
        o.onProgress?.(`race: ${c.client}, REFRESH_GRACE=${grace}: trial ${trial + 1}/${o.trials}`)
      }
      if (tabs[0]) await o.onCombinationDone?.(tabs[0], client, grace)
      for (const t of tabs) await t.close()
      out.push(c)
    }
  }
  return out
}

interface RaceWindow {
  labRace: {
    conduct(o: { n: number; group: string; prefix: string; username: string; password: string }): Promise<{
      tabs: { via: string; status: number }[]
      refused: number
      familyAlive: boolean
    }>
  }
}
