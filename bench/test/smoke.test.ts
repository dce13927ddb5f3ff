import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { processRegistry } from '../src/lib/process-registry.js'
import { Progress } from '../src/lib/progress.js'
import { readResults } from '../src/report/render.js'
import type { ResultsFile } from '../src/report/schema.js'
import { runBench } from '../src/runner.js'
import type { Sample } from '../src/scenarios/overhead/measure.js'
import type { VariantSummary } from '../src/scenarios/overhead/summary.js'
import { selectGroups } from '../src/scenarios/overhead/variants.js'

/**
 * The real harness end to end at a tiny size: every server as a child process, autocannon in its own process,
 * 1 round of 0.4 s per run (thousands of requests even at 4 connections) with 4 connections, then the report.
 * Asserts structure and 2xx-only outcomes — never speed.
 */
describe('pnpm bench --scenario overhead (smoke: 1 round × 0.4 s, 4 connections)', () => {
  let dir: string
  let results: ResultsFile

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'bench-smoke-'))
    await runBench(
      {
        quick: true,
        scenarios: ['overhead'],
        durationSec: 0.4,
        rounds: 1,
        connections: 4,
        pin: true,
        outDir: dir,
      },
      'smoke',
      new Progress(process.stderr, false),
    )
    results = readResults(join(dir, 'results.json'))
  }, 170_000)
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it('records the context of the run', () => {
    expect(results.context.machine.cores).toBeGreaterThan(0)
    expect(results.context.machine.node).toBe(process.version)
    expect(results.context.packages.jose).toMatch(/^\d+\./)
    expect(results.context.options).toMatchObject({ rounds: 1, durationSec: 0.4, connections: 4 })
    expect(typeof results.context.pinning.note).toBe('string')
  })

  it('measured every variant with 2xx responses only, none invalid', () => {
    const e = results.experiments.find((x) => x.id === 'overhead')!
    expect(e.error).toBeUndefined()
    expect(e.invalid).toEqual([])
    const raw = e.raw as { samples: Sample[]; variants: VariantSummary[] }
    const defaults = selectGroups(undefined).flatMap((g) => g.targets.map((t) => t.id))
    expect(raw.variants.map((v) => v.id).sort()).toEqual(defaults.sort())
    for (const v of raw.variants) expect(v.valid, v.id).toBe(true)
    for (const s of raw.samples) {
      expect(s.ok2xx, `${s.target}`).toBeGreaterThan(0)
      expect(s.non2xx + s.errors + s.timeouts, `${s.target}`).toBe(0)
    }
    // The store counters came through /metrics: a read per /me with the SQLite session, none for pure HS256.
    const reads = (id: string) => raw.variants.find((v) => v.id === id)!.readsPerReq
    expect(reads('stateful-sqlite')).toBeGreaterThan(0.9)
    expect(reads('stateless-hs256-none')).toBe(0)
  })

  it('answers every claim with a verdict, and writes md + html + one SVG per chart', () => {
    const e = results.experiments.find((x) => x.id === 'overhead')!
    // C1 and C4 per store when the run measured Redis too (session 11), else on SQLite alone.
    const redis = (e.raw as { inprocess: { id: string; valid: boolean }[] }).inprocess.some(
      (v) => v.id === 'stateful-redis' && v.valid,
    )
    expect(e.verdicts.map((v) => v.claim)).toEqual(
      redis
        ? [
            'C1 (local SQLite)',
            'C1 (Redis)',
            'C4 (local SQLite)',
            'C4 (Redis)',
            'C10',
            'C12',
            'decomposition',
          ]
        : ['C1', 'C4', 'C10', 'C12', 'decomposition'],
    )
    const md = readFileSync(join(dir, 'report.md'), 'utf8')
    const html = readFileSync(join(dir, 'report.html'), 'utf8')
    expect(md).toContain('## Per-request auth overhead')
    for (const c of e.charts) {
      expect(existsSync(join(dir, `overhead-${c.id}.svg`))).toBe(true)
      expect(md).toContain(`](overhead-${c.id}.svg)`)
    }
    expect(html.match(/<figure>/g)?.length).toBe(e.charts.length)
  })

  it('labels the quick run a smoke run, records the noise guard, and measured every variant in-process', () => {
    const e = results.experiments.find((x) => x.id === 'overhead')!
    expect(e.banner).toMatch(/Smoke run/)
    const raw = e.raw as {
      noise: { rounds: number; passed: boolean }
      inprocess: { id: string; valid: boolean; nsPerReq: { min: number } }[]
    }
    expect(raw.noise.rounds).toBeGreaterThan(0)
    for (const v of raw.inprocess) {
      expect(v.valid, v.id).toBe(true)
      expect(v.nsPerReq.min, v.id).toBeGreaterThan(0)
    }
    for (const v of e.verdicts)
      expect(v.status === undefined || v.status === 'inconclusive', v.claim).toBe(true)
  })

  it('left no child process running', () => {
    expect(processRegistry.list()).toEqual([])
  })
})
