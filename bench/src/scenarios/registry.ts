import type { Scenario } from '../lib/scenario.js'
import { attacksScenario } from './attacks.js'
import { lbScenario } from './load-balancer.js'
import { memoryScenario } from './memory.js'
import { overheadScenario } from './overhead.js'
import { restartScenario } from './restart.js'
import { revocationScenario } from './revocation.js'

/**
 * Every experiment `pnpm bench --scenario <id>` can run, in the order `--scenario all` runs them (overhead first,
 * so later scenarios can quote its per-request costs through `ctx.previous`). Sibling scenarios add ONE line each
 * here (plus their import) when their module exists.
 */
export const SCENARIOS: Record<string, Scenario> = {
  overhead: overheadScenario,
  restart: restartScenario,
  lb: lbScenario,
  revocation: revocationScenario,
  memory: memoryScenario,
  attacks: attacksScenario,
}

/** Ids accepted by --scenario besides `all`, including ones whose module is not written yet. */
export const KNOWN_SCENARIO_IDS = ['overhead', 'restart', 'lb', 'revocation', 'memory', 'attacks'] as const
