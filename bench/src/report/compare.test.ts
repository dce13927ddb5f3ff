import { describe, expect, it } from 'vitest'
import type { Summary } from '../lib/stats.js'
import { compareMarkdown, deltas } from './compare.js'
import type { ResultsFile } from './schema.js'

const sum = (median: number, min: number, max: number): Summary => ({ n: 5, median, min, max, spread: 0 })

/** A results file with only what bench:compare reads. */
function results(
  runId: string,
  inproc: [string, Summary][],
  http: [string, Summary][],
  c1: string,
): ResultsFile {
  return {
    schemaVersion: 1,
    context: {
      runId,
      date: '2026-11-30T00:00:00Z',
      machine: {} as ResultsFile['context']['machine'],
      packages: {},
      git: { commit: 'abcdef1234567', dirty: false },
      options: { quick: false, scenarios: ['overhead'], pin: true, outDir: '/tmp' },
      pinning: { available: true, serverCpu: 0, loadCpu: 1, note: '' },
      notes: [],
    },
    experiments: [
      {
        id: 'overhead',
        title: 'Per-request auth overhead',
        claims: [],
        method: '',
        tables: [],
        charts: [],
        invalid: [],
        verdicts: [{ claim: 'C1', status: c1 as 'refuted', text: '' }],
        raw: {
          noise: { passed: true },
          inprocess: inproc.map(([id, s]) => ({ id, valid: true, addedNs: s })),
          variants: http.map(([id, s]) => ({ id, valid: true, cpuAddedUs: s })),
        },
      },
    ],
  }
}

describe('bench:compare', () => {
  it('marks a change within noise when it is no larger than the wider spread, beyond noise otherwise', () => {
    const d = deltas(
      [
        { id: 'x', s: sum(40, 38, 42) },
        { id: 'y', s: sum(40, 39.5, 40.5) },
      ],
      [
        { id: 'x', s: sum(43, 41, 44) },
        { id: 'y', s: sum(43, 42.5, 43.5) },
      ],
    )
    expect(d.find((v) => v.id === 'x')).toMatchObject({ delta: 3, withinNoise: true })
    expect(d.find((v) => v.id === 'y')).toMatchObject({ delta: 3, withinNoise: false })
  })

  it('renders both layers and the claims, flagging a changed verdict and a variant missing in one run', () => {
    const a = results(
      'run-a',
      [['stateful-sqlite', sum(20_000, 19_000, 21_000)]],
      [['stateful-sqlite', sum(90, 85, 95)]],
      'refuted',
    )
    const b = results(
      'run-b',
      [
        ['stateful-sqlite', sum(30_000, 29_500, 30_500)],
        ['floor-jose', sum(40_000, 39_000, 41_000)],
      ],
      [['stateful-sqlite', sum(92, 86, 97)]],
      'supported',
    )
    const md = compareMarkdown(a, b)
    expect(md).toContain('run-a')
    expect(md).toMatch(
      /\| stateful-sqlite \| 20\.0 \(19\.0–21\.0\) \| 30\.0 \(29\.5–30\.5\) \| \+10\.0 \| 50\.0 % \| \*\*beyond noise\*\* \|/,
    )
    expect(md).toMatch(/\| stateful-sqlite \| 90\.0 .* \| within noise \|/)
    expect(md).toContain('| floor-jose | not measured |')
    expect(md).toMatch(/\| C1 \| ✘ refuted.* \| ✔ supported.* \| \*\*changed\*\* \|/)
    // Every claim of the catalogue is listed, answered or not.
    for (const id of ['C2', 'C5', 'C9', 'C13']) expect(md).toMatch(new RegExp(`\\| ${id} \\| `))
    expect(md).toContain('1 figure(s) moved beyond noise')
  })

  it('calls no change within or beyond noise when a run has a single round (review A5)', () => {
    const one = (x: number): Summary => ({ n: 1, median: x, min: x, max: x, spread: 0 })
    const [d] = deltas([{ id: 'v', s: one(100) }], [{ id: 'v', s: one(100.1) }])
    expect(d?.withinNoise).toBeNull()
    const md = compareMarkdown(
      results('run-a', [], [['stateless-hs256-denylist', one(152.6)]], 'refuted'),
      results('run-b', [], [['stateless-hs256-denylist', sum(140, 130, 150)]], 'refuted'),
    )
    expect(md).toMatch(
      /\| stateless-hs256-denylist \| 152\.6 \(152\.6–152\.6\) \[1 round\] .* spread unknown/,
    )
  })

  it('judges each overhead claim on its per-round difference in both runs (review A4)', () => {
    const file = (runId: string, jwt: number[], sql: number[]) => {
      const r = results(runId, [], [], 'refuted')
      const raw = r.experiments[0]!.raw as { inprocess: unknown[] }
      raw.inprocess = [
        { id: 'stateless-hs256-none', valid: true, addedNs: sum(0, 0, 0), addedByRound: jwt },
        { id: 'stateful-sqlite', valid: true, addedNs: sum(0, 0, 0), addedByRound: sql },
      ]
      return r
    }
    // Run A: JWT − session = 10, 12, 11 µs; run B: 30, 31, 29 µs → moved by 19 µs against spreads of 2.
    const md = compareMarkdown(
      file('a', [50_000, 52_000, 51_000], [40_000, 40_000, 40_000]),
      file('b', [70_000, 71_000, 69_000], [40_000, 40_000, 40_000]),
    )
    expect(md).toMatch(
      /\| C1: stateless-hs256-none − stateful-sqlite \| 11\.0 \(10\.0–12\.0\) \| 30\.0 \(29\.0–31\.0\) \| \+19\.0 \| .* \| \*\*beyond noise\*\* \|/,
    )
  })
})
