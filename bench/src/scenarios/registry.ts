import type { Scenario } from '../lib/scenario.js'
import { attacksScenario } from './attacks/index.js'
import { lbScenario } from './lb/index.js'
import { memoryScenario } from './memory/index.js'
import { overheadScenario } from './overhead/index.js'
import { raceScenario } from './race/index.js'
import { redisFaultScenario } from './redis-fault/index.js'
import { restartScenario } from './restart/index.js'
import { reuseScenario } from './reuse/index.js'
import { revocationScenario } from './revocation/index.js'
import { rotationScenario } from './rotation/index.js'
import { sizeScenario } from './size/index.js'
import { stormScenario } from './storm/index.js'
import { ttlScenario } from './ttl/index.js'

/**
 * Every experiment `pnpm bench --scenario <id>` can run, in the order `--scenario all` runs them (overhead first,
 * so later scenarios can quote its per-request costs through `ctx.previous`). A new scenario adds ONE line here.
 */
export const SCENARIOS: Readonly<Record<string, Scenario>> = Object.fromEntries(
  [
    ...[overheadScenario, restartScenario, lbScenario, revocationScenario, memoryScenario, attacksScenario],
    // attacks, reuse, rotation and race may run side by side (lib/lanes.ts): keep them consecutive.
    reuseScenario,
    rotationScenario,
    raceScenario,
    ttlScenario,
    sizeScenario,
    stormScenario,
    redisFaultScenario,
  ].map((s) => [s.id, s]),
)

/** The ids --scenario accepts besides `all`, in run order. */
export const SCENARIO_IDS: readonly string[] = Object.keys(SCENARIOS)
