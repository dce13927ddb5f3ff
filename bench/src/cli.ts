/**
 * `pnpm bench [--quick] [--scenario overhead|restart|lb|revocation|memory|attacks|all] [--duration s]
 *  [--connections n] [--rounds r] [--variants a,b] [--out dir] [--no-pin] [--serial] [--cpu-prof variant]`
 * Parses the flags and hands the run to runner.ts, which writes reports/<run-id>/{results.json,report.md,
 * report.html,*.svg}; prints the report's path. Every child process is killed by PID on exit, Ctrl-C or failure.
 */
import { join, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { repoRoot } from '@auth-lab/shared'
import { processRegistry } from './lib/process-registry.js'
import { formatSec } from './lib/progress.js'
import type { RunOptions } from './report/schema.js'
import { estimateRunSec, runBench } from './runner.js'
import { SCENARIO_IDS } from './scenarios/registry.js'

const HELP = `usage: pnpm bench [options]
  --quick              short run (overhead in < 90 s)
  --scenario <ids>     ${SCENARIO_IDS.join('|')}|all, comma-separated (default: all)
  --duration <s>       seconds per measured load run (scenario default otherwise)
  --connections <n>    concurrent connections, each a different user
  --rounds <r>         interleaved rounds (overhead: in-process 5, quick 2; HTTP 2, quick 1)
  --variants <a,b>     only these variants (overhead: stateful-memory, stateless-es256, floor-hmac, …)
  --out <dir>          output directory (default reports/<run-id>)
  --no-pin             do not pin server and load generator to different cores
  --serial             run every scenario alone (by default attacks, reuse, rotation and race share
                       the machine in two lanes, and --quick runs everything after overhead in two lanes)
  --cpu-prof <variant> overhead: write <out>/cpu-<variant>.cpuprofile, a CPU profile of that variant's
                       in-process worker over its measured rounds (open in Chrome DevTools or speedscope)
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
      serial: { type: 'boolean', default: false },
      'cpu-prof': { type: 'string' },
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
    if (id !== 'all' && !SCENARIO_IDS.includes(id)) {
      throw new Error(`unknown scenario "${id}" (known: ${SCENARIO_IDS.join(', ')}, all)`)
    }
  }
  // Always in registry order (overhead first), whatever order they were asked in.
  const scenarios = asked.includes('all')
    ? [...SCENARIO_IDS]
    : SCENARIO_IDS.filter((id) => asked.includes(id))
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
    serial: values.serial,
    cpuProf: values['cpu-prof'],
    // pnpm runs the script in bench/; INIT_CWD is where the user typed the command.
    outDir: values.out
      ? resolve(process.env.INIT_CWD ?? process.cwd(), values.out)
      : join(repoRoot(), 'reports', runId),
  }
  return { options, runId }
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
  console.error(
    `bench: run ${runId}: ${options.scenarios.join(', ')} (about ${formatSec(estimateRunSec(options))})`,
  )
  const results = await runBench(options, runId)
  const failed = results.experiments.filter((e) => e.error)
  // Absolute paths: pnpm runs this in bench/, so a path relative to process.cwd() misleads the user's shell.
  console.log(
    `\nreport: ${resolve(options.outDir, 'report.md')}\n        ${resolve(options.outDir, 'report.html')}`,
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
