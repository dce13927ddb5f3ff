/**
 * `pnpm bench [--quick] [--scenario overhead|restart|lb|revocation|memory|attacks|all] [--duration s]
 *  [--connections n] [--rounds r] [--variants a,b] [--out dir] [--no-pin]`
 * Runs the chosen experiments, writes reports/<run-id>/{results.json,report.md,report.html,*.svg} and prints the
 * report's path. Every child process is killed by PID on exit, Ctrl-C or failure.
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { loadavg } from 'node:os'
import { join, relative, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { repoRoot } from '@auth-lab/shared'
import { collectContext } from './lib/context.js'
import { choosePinning } from './lib/pinning.js'
import { processRegistry } from './lib/process-registry.js'
import { formatSec, Progress } from './lib/progress.js'
import { writeReport } from './report/render.js'
import type { ExperimentResult, ResultsFile, RunOptions } from './report/schema.js'
import { RESULTS_SCHEMA_VERSION } from './report/schema.js'
import { KNOWN_SCENARIO_IDS, SCENARIOS } from './scenarios/registry.js'

const HELP = `usage: pnpm bench [options]
  --quick              short run (overhead in < 90 s)
  --scenario <ids>     ${KNOWN_SCENARIO_IDS.join('|')}|all, comma-separated (default: all)
  --duration <s>       seconds per measured load run (scenario default otherwise)
  --connections <n>    concurrent connections, each a different user
  --rounds <r>         interleaved rounds (overhead default 5, quick 2)
  --variants <a,b>     only these variants (overhead: stateful-memory, stateless-es256, floor-hmac, …)
  --out <dir>          output directory (default reports/<run-id>)
  --no-pin             do not pin server and load generator to different cores
  --help`

function positive(name: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined
  const n = Number(v)
  if (!Number.isFinite(n) || n <= 0) throw new Error(`--${name} must be a positive number, got "${v}"`)
  return n
}

export function parseCli(argv: string[], now = new Date()): { options: RunOptions; runId: string } | 'help' {
  const { values } = parseArgs({
    args: argv,
    options: {
      quick: { type: 'boolean', default: false },
      scenario: { type: 'string', default: 'all' },
      duration: { type: 'string' },
      connections: { type: 'string' },
      rounds: { type: 'string' },
      variants: { type: 'string' },
      out: { type: 'string' },
      'no-pin': { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
    strict: true,
  })
  if (values.help) return 'help'
  const asked = values.scenario
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
  for (const id of asked) {
    if (id !== 'all' && !(KNOWN_SCENARIO_IDS as readonly string[]).includes(id)) {
      throw new Error(`unknown scenario "${id}" (known: ${KNOWN_SCENARIO_IDS.join(', ')}, all)`)
    }
  }
  const scenarios = asked.includes('all')
    ? Object.keys(SCENARIOS)
    : KNOWN_SCENARIO_IDS.filter((id) => asked.includes(id))
  const missing = scenarios.filter((id) => !SCENARIOS[id])
  if (missing.length > 0)
    throw new Error(`scenario(s) not available in this checkout yet: ${missing.join(', ')}`)
  const rounds = positive('rounds', values.rounds)
  const runId = `${now
    .toISOString()
    .replace(/\.\d+Z$/, 'Z')
    .replace(/:/g, '-')}${values.quick ? '-quick' : ''}`
  const options: RunOptions = {
    quick: values.quick,
    scenarios,
    durationSec: positive('duration', values.duration),
    connections: positive('connections', values.connections),
    rounds: rounds === undefined ? undefined : Math.round(rounds),
    variants: values.variants
      ?.split(',')
      .map((v) => v.trim())
      .filter(Boolean),
    pin: !values['no-pin'],
    // pnpm runs the script in bench/; INIT_CWD is where the user typed the command.
    outDir: values.out
      ? resolve(process.env.INIT_CWD ?? process.cwd(), values.out)
      : join(repoRoot(), 'reports', runId),
  }
  return { options, runId }
}

/** Runs the scenarios of `options` and writes results + report into options.outDir; returns the results. */
export async function runBench(
  options: RunOptions,
  runId: string,
  progress = new Progress(),
): Promise<ResultsFile> {
  const started = new Date()
  const pinning = choosePinning(options.pin)
  mkdirSync(options.outDir, { recursive: true })
  const results: ResultsFile = {
    schemaVersion: RESULTS_SCHEMA_VERSION,
    context: collectContext(runId, options, pinning, started),
    experiments: [],
  }
  const save = () =>
    writeFileSync(join(options.outDir, 'results.json'), `${JSON.stringify(results, null, 2)}\n`)
  const scenarios = options.scenarios.map((id) => SCENARIOS[id]!)
  for (const [i, scenario] of scenarios.entries()) {
    const later = scenarios.slice(i + 1).reduce((s, sc) => s + sc.estimateSec(options), 0)
    progress.beginScenario(scenario.id, later)
    const t0 = performance.now()
    let result: ExperimentResult
    try {
      result = await scenario.run({
        options,
        pinning,
        progress,
        outDir: options.outDir,
        previous: results.experiments,
      })
    } catch (err) {
      progress.log(`FAILED: ${err instanceof Error ? err.message : String(err)}`)
      result = failedExperiment(scenario.id, scenario.title, err)
    }
    progress.done()
    result.durationSec = Math.round((performance.now() - t0) / 100) / 10
    results.experiments.push(result)
    save()
  }
  results.context.durationSec = Math.round((Date.now() - started.getTime()) / 100) / 10
  results.context.machine.loadAverageEnd = loadavg().map((l) => Math.round(l * 100) / 100)
  save()
  await writeReport(options.outDir, results)
  return results
}

function failedExperiment(id: string, title: string, err: unknown): ExperimentResult {
  const message = err instanceof Error ? (err.stack ?? err.message) : String(err)
  return {
    id,
    title,
    claims: [],
    method: '',
    tables: [],
    charts: [],
    verdicts: [],
    invalid: [],
    error: message,
    raw: null,
  }
}

async function main(): Promise<void> {
  let parsed: ReturnType<typeof parseCli>
  try {
    parsed = parseCli(process.argv.slice(2))
  } catch (err) {
    console.error(`bench: ${err instanceof Error ? err.message : String(err)}\n\n${HELP}`)
    process.exit(2)
  }
  if (parsed === 'help') {
    console.log(HELP)
    return
  }
  processRegistry.installSignalHandlers()
  const { options, runId } = parsed
  const estimate = options.scenarios.reduce((s, id) => s + SCENARIOS[id]!.estimateSec(options), 0)
  console.error(`bench: run ${runId}: ${options.scenarios.join(', ')} (about ${formatSec(estimate)})`)
  const results = await runBench(options, runId)
  const failed = results.experiments.filter((e) => e.error)
  const where =
    relative(process.cwd(), join(options.outDir, 'report.md')) || join(options.outDir, 'report.md')
  console.log(
    `\nreport: ${join(options.outDir, 'report.md')}\n        ${join(options.outDir, 'report.html')}\n        (${where})`,
  )
  if (failed.length > 0) {
    console.error(`bench: ${failed.length} scenario(s) failed: ${failed.map((e) => e.id).join(', ')}`)
    process.exitCode = 1
  }
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(new URL(import.meta.url).pathname)) {
  main().catch((err) => {
    console.error(err)
    processRegistry.killAll()
    process.exit(1)
  })
}
