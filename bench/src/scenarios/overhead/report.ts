/** The overhead section of the report: method, tables, charts and verdicts from the measured samples. */
import type { Pinning } from '../../lib/pinning.js'
import type { Claim, ExperimentResult, InvalidEntry } from '../../report/schema.js'
import type { CacheStat } from './cache-stats.js'
import { cacheTable } from './cache-stats.js'
import type { MeasureSettings, Sample } from './measure.js'
import { summarizeVariants } from './summary.js'
import {
  baselineTable,
  decompositionChart,
  decompositionTable,
  descriptionTable,
  mainTable,
  ratioChart,
  stabilityTable,
} from './tables.js'
import type { Group } from './variants.js'
import { decompose, verdictC1, verdictC4, verdictC10, verdictC12, verdictDecomposition } from './verdicts.js'

const METHOD = `Each variant runs in its own server process (a child process on a free 127.0.0.1 port, temporary DB, logging off); autocannon runs in a separate load-generator process. Every server is seeded with as many users as there are connections and each user is logged in beforehand, so **every connection is a different user** (no hot token or hot session row).

- In each round every server is visited once, in a different (seeded) order per round. Per server: in round 1 a warm-up on each of its paths, in later rounds a short re-warm of the path measured first, then \`GET /public\` (no auth, same middleware) and \`GET /me\` back to back — baseline first in odd rounds, last in even ones.
- Throughput counts **2xx only**. Any non-2xx, connection error or timeout in a variant's runs or in its baselines marks the variant **invalid**: it is listed, never averaged in.
- Server CPU per request = utime + stime of the server process (all threads, from \`/proc/<pid>/stat\`) over the run ÷ responses. Store reads and writes per request come from the server's \`/metrics\` counters before and after each run.
- Reported: the median over rounds with min–max. The ratio to \`/public\` is computed per round (same server, seconds apart) before taking the median, which cancels most of the machine's drift.
- Verdicts decide on server CPU added per request (route minus its own server's \`/public\`, per round): two variants differ only if their medians differ by > 10% and the sign holds in every round (all but one from 5 rounds on); otherwise *inconclusive* or *no measurable difference*.
- The **floor server** has the same stack (Hono on @hono/node-server, the shared middleware) with raw auth routes — a \`Map\` lookup, SHA-256 + a prepared better-sqlite3 JOIN, a synchronous node:crypto HMAC-SHA256 verify — so each app variant's CPU splits into framework (its own \`/public\`), mechanism (the raw route's extra CPU) and library + app code (the rest).
- Algorithm variants (RS256, ES256, EdDSA, JWE) run with \`REVOCATION=none\` so they measure the token alone; access tokens live 1 h so none expires mid-run.`

export const CLAIMS: readonly Claim[] = [
  { id: 'C1', text: '"Stateless is faster because it skips the DB lookup."' },
  { id: 'C4', text: '"A central session store adds overhead."' },
  {
    id: 'C10',
    text: '"HS256 vs asymmetric algorithms": how much more an RS256 / ES256 / EdDSA verification costs.',
  },
  {
    id: 'C12',
    text: '"Storing or checking tokens in a DB cancels statelessness" (deny-list and token_version checks).',
  },
  {
    id: 'decomposition',
    text: "How much of each variant's cost is the framework, the auth library (hono-sessions, jose) and the mechanism itself.",
  },
]

/** Summarizes the samples per variant (invalid ones listed, never averaged) and builds the section. */
export function buildOverheadResult(
  samples: readonly Sample[],
  groups: readonly Group[],
  settings: MeasureSettings,
  pinning: Pinning,
  setupInvalid: readonly InvalidEntry[],
  cacheStats: readonly CacheStat[] = [],
): ExperimentResult {
  const targets = groups.flatMap((g) =>
    g.spec.targets.map((t) => ({
      id: t.id,
      group: g.spec.id,
      label: t.label,
      description: g.spec.description,
    })),
  )
  const variants = summarizeVariants([...samples], targets, settings.rounds)
  const invalid = [...setupInvalid]
  for (const v of variants) if (!v.valid) invalid.push({ variant: v.id, reason: v.reason ?? 'invalid' })
  const parts = decompose(variants)
  return {
    id: 'overhead',
    title: 'Per-request auth overhead',
    claims: [...CLAIMS],
    method: `${METHOD}\n\nThis run: ${settings.rounds} round(s) × ${settings.durationSec} s per run, ${settings.warmupSec} s warm-up per server in round 1 and ${settings.rewarmSec} s in later rounds, ${settings.connections} connections (= ${settings.connections} distinct users per server). ${pinning.note}.`,
    tables: [
      mainTable(variants, settings.rounds),
      decompositionTable(parts),
      stabilityTable(variants, settings.rounds),
      baselineTable(variants),
      descriptionTable(variants),
      ...[cacheTable(cacheStats)].filter((t) => t !== null),
    ],
    charts: [ratioChart(variants), decompositionChart(parts)],
    verdicts: [
      verdictC1(variants),
      verdictC4(variants),
      verdictC10(variants),
      verdictC12(variants),
      verdictDecomposition(parts),
    ],
    invalid,
    notes: [
      "A ratio or added-µs difference under ~15% between two variants is within this machine's round-to-round noise unless their min–max ranges are clearly apart.",
      'Server CPU µs per request is the steadiest figure and the most portable; req/s depends on the machine and on the load generator sharing it.',
      'With pinning, the server and its libuv threadpool (WebCrypto work of jose) share one core: asymmetric algorithms cannot spill onto the second core as they would unpinned.',
    ],
    raw: { settings, pinning, variants, decomposition: parts, samples, cacheStats },
  }
}
