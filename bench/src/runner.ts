/**
 * Runs the chosen scenarios — one after another, or two lanes at once where lib/lanes.ts allows — and owns
 * everything around them: the time estimate and progress, each scenario's duration, a failed scenario turned into a
 * result (never a lost run), results.json after every scenario, and the report at the end.
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { loadavg } from 'node:os'
import { join } from 'node:path'
import { collectContext } from './lib/context.js'
import { batchEstimateSec, lanesNote, planBatches } from './lib/lanes.js'
import type { Pinning } from './lib/pinning.js'
import { choosePinning } from './lib/pinning.js'
import { Progress } from './lib/progress.js'
import { gateMeasured } from './lib/run-gate.js'
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

/** Estimated wall-clock seconds of a whole run: its batches' costs (lanes count their longest lane). */
export function estimateRunSec(options: RunOptions): number {
  return planBatches(chosen(options), options).reduce((s, b) => s + batchEstimateSec(b, options), 0)
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
  const scenarios = chosen(options)
  const batches = planBatches(scenarios, options)
  const note = lanesNote(batches, options)
  if (note) results.context.notes.push(note)
  // Results keep the registry order whatever finishes first; saved after every scenario.
  const done = new Map<string, ExperimentResult>()
  const save = () => {
    // The run-wide verdict rule (lib/run-gate.ts): CPU-decided claims outside overhead need its passed guard.
    results.experiments = gateMeasured(scenarios.flatMap((s) => done.get(s.id) ?? []))
    writeFileSync(join(options.outDir, 'results.json'), `${JSON.stringify(results, null, 2)}\n`)
  }
  const estimates = batches.map((b) => batchEstimateSec(b, options))
  for (const [i, batch] of batches.entries()) {
    const later = estimates.slice(i + 1).reduce((a, b) => a + b, 0)
    const previous = [...results.experiments]
    if (batch.kind === 'alone') {
      done.set(batch.scenario.id, await runOne(batch.scenario, options, pinning, progress, later, previous))
      save()
      continue
    }
    // Two lanes at once, each with its own progress lines; lane scenarios are never pinned (both lanes would
    // otherwise pin their servers to the same core).
    const unpinned = { ...pinning, serverCpu: null, loadCpu: null, note: 'not pinned: ran side by side' }
    await Promise.all(
      batch.lanes.map(async (lane) => {
        const laneProgress = progress.fork()
        for (const [j, scenario] of lane.entries()) {
          const rest = lane.slice(j + 1).reduce((s, x) => s + x.estimateSec(options), 0)
          const r = await runOne(scenario, options, unpinned, laneProgress, later + rest, previous)
          done.set(scenario.id, r)
          save()
        }
      }),
    )
  }
  results.context.durationSec = Math.round((Date.now() - started.getTime()) / 100) / 10
  results.context.machine.loadAverageEnd = loadavg().map((l) => Math.round(l * 100) / 100)
  save()
  await writeReport(options.outDir, results)
  return results
}

/** One scenario, timed; a throw becomes a failed result (never a lost run). */
async function runOne(
  scenario: Scenario,
  options: RunOptions,
  pinning: Pinning,
  progress: Progress,
  laterSec: number,
  previous: readonly ExperimentResult[],
): Promise<ExperimentResult> {
  progress.beginScenario(scenario.id, scenario.estimateSec(options), laterSec)
  const t0 = performance.now()
  let result: ExperimentResult
  try {
    result = await scenario.run({ options, pinning, progress, outDir: options.outDir, previous })
  } catch (err) {
    progress.log(`FAILED: ${err instanceof Error ? err.message : String(err)}`)
    result = failedExperiment(scenario, err)
  }
  progress.done()
  result.durationSec = Math.round((performance.now() - t0) / 100) / 10
  return result
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
