/**
 * Runs the chosen scenarios one after another and owns everything around them: the time estimate and progress,
 * each scenario's duration, a failed scenario turned into a result (never a lost run), results.json after every
 * scenario, and the report at the end.
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { loadavg } from 'node:os'
import { join } from 'node:path'
import { collectContext } from './lib/context.js'
import { choosePinning } from './lib/pinning.js'
import { Progress } from './lib/progress.js'
import type { Scenario } from './lib/scenario.js'
import { writeReport } from './report/render.js'
import type { ExperimentResult, ResultsFile, RunOptions } from './report/schema.js'
import { RESULTS_SCHEMA_VERSION } from './report/schema.js'
import { SCENARIOS } from './scenarios/registry.js'

const chosen = (options: RunOptions): Scenario[] =>
  options.scenarios.map((id) => {
    const s = SCENARIOS[id]
    if (!s) throw new Error(`unknown scenario ${id}`)
    return s
  })

/** Estimated wall-clock seconds of a whole run: the sum of the scenarios' declared costs. */
export function estimateRunSec(options: RunOptions): number {
  return chosen(options).reduce((s, sc) => s + sc.estimateSec(options), 0)
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
  const scenarios = chosen(options)
  const estimates = scenarios.map((s) => s.estimateSec(options))
  for (const [i, scenario] of scenarios.entries()) {
    const later = estimates.slice(i + 1).reduce((a, b) => a + b, 0)
    progress.beginScenario(scenario.id, estimates[i] ?? 0, later)
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
      result = failedExperiment(scenario, err)
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

function failedExperiment(scenario: Scenario, err: unknown): ExperimentResult {
  const message = err instanceof Error ? (err.stack ?? err.message) : String(err)
  return {
    id: scenario.id,
    title: scenario.title,
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
