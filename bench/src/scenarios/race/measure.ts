/**
 * The multi-tab refresh race in headless Chromium, through the e2e suite's own lab harness and race driver
 * (`@auth-lab/test/e2e`): the real lab front and its three child servers on free loopback ports with a temporary
 * database, N tabs × trials for each of client {no coordination, Web Locks + BroadcastChannel} × server
 * {REFRESH_GRACE=0, 10}. No browser download: the system Chromium (CHROMIUM_PATH or /usr/bin/chromium) or nothing.
 */
import { existsSync } from 'node:fs'
import type { RaceCombination } from '@auth-lab/test/e2e'
import { launchChromium, runRace, startLabForTests } from '@auth-lab/test/e2e'
import { nodeArgsFor } from '../../lib/bundle.js'
import type { RunOptions } from '../../report/schema.js'

export interface RaceSizes {
  tabs: number
  trials: number
}

export interface RaceMeasurement {
  browser: string
  combinations: RaceCombination[]
}

/**
 * Full: 15 trials of 5 tabs per combination (was 20): the outcomes are all-or-nothing per combination (every trial
 * of an uncoordinated, strict-rotation race kills the family; none of a coordinated one does), so 75 tabs say what
 * 100 did, and the race lane is no longer the longer of the two (issue 14: < 10 min).
 */
export function raceSizes(options: RunOptions): RaceSizes {
  return { tabs: 5, trials: options.rounds ?? (options.quick ? 3 : 15) }
}

/** Starting the lab and the browser (~15 s), then per combination (4) a restart and the tabs (~2.5 s) and about
 * 0.3 s per trial of 5 tabs. */
export function raceEstimateSec(sizes: RaceSizes): number {
  // × 0.55: measured 23–24 s full and 12–16 s quick against 43 / 29 s from the formula alone (runs L5, M2, Q10,
  // Q12); the quick run balances its two lanes on these estimates.
  return 0.55 * (15 + 4 * (2.5 + sizes.trials * 0.3 * (sizes.tabs / 5)))
}

/** null = no Chromium on this machine: the scenario reports an invalid entry instead of a number. */
export function chromiumAvailable(env: NodeJS.ProcessEnv = process.env): boolean {
  return existsSync(env.CHROMIUM_PATH ?? '/usr/bin/chromium')
}

export async function measureRace(
  sizes: RaceSizes,
  progress: (line: string) => void,
): Promise<RaceMeasurement> {
  // The lab's child servers start (and restart per grace setting) from the harness bundle, like every bench server.
  const lab = await startLabForTests({ nodeArgs: nodeArgsFor })
  const browser = await launchChromium()
  try {
    const context = await browser.newContext()
    const page = await context.newPage()
    await page.goto(`${lab.url}/`)
    await page.waitForSelector('body[data-ready="1"]')
    const combinations = await runRace({
      page,
      context,
      labUrl: lab.url,
      n: sizes.tabs,
      trials: sizes.trials,
      onProgress: progress,
      async restartWithGrace(grace) {
        const res = await fetch(`${lab.url}/lab/api/instances/stateless/restart`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ env: { REFRESH_GRACE: String(grace) } }),
        })
        await res.text()
        if (res.status !== 200) throw new Error(`restart with REFRESH_GRACE=${grace}: ${res.status}`)
      },
    })
    return { browser: `Chromium ${browser.version()} (headless, playwright-core)`, combinations }
  } finally {
    await browser.close()
    await lab.stop()
  }
}
