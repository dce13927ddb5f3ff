import { describe, expect, it } from 'vitest'
import type { RunOptions } from '../report/schema.js'
import { SCENARIO_IDS, SCENARIOS } from '../scenarios/registry.js'
import { type Batch, batchEstimateSec, lanesNote, planBatches } from './lanes.js'
import type { Scenario } from './scenario.js'

const opts = (o: Partial<RunOptions> = {}): RunOptions => ({
  quick: false,
  scenarios: [...SCENARIO_IDS],
  pin: true,
  outDir: '/nonexistent',
  ...o,
})

const fake = (id: string, sec: number, sideBySide = false): Scenario => ({
  id,
  title: id,
  claims: [],
  sideBySide,
  estimateSec: () => sec,
  run: async () => {
    throw new Error('not run')
  },
})

const shape = (bs: Batch[]) =>
  bs.map((b) => (b.kind === 'alone' ? b.scenario.id : b.lanes.map((l) => l.map((s) => s.id))))

describe('planBatches', () => {
  it('runs only consecutive side-by-side scenarios in two lanes, balanced by estimate, registry order kept per lane', () => {
    const list = [fake('a', 10), fake('b', 40, true), fake('c', 5, true), fake('d', 30, true), fake('e', 20)]
    expect(shape(planBatches(list, opts()))).toEqual(['a', [['b'], ['c', 'd']], 'e'])
    const more = [
      fake('b', 40, true),
      fake('c', 5, true),
      fake('d', 30, true),
      fake('f', 25, true),
      fake('g', 3, true),
    ]
    // Longest first onto the lighter lane: b | d, then f → d's (30 < 40: 55), c → b's (45), g → b's (48 < 55).
    expect(shape(planBatches(more, opts()))).toEqual([
      [
        ['b', 'c', 'g'],
        ['d', 'f'],
      ],
    ])
  })

  it('runs a lone side-by-side scenario alone, and everything alone with --serial', () => {
    const list = [fake('a', 10, true), fake('b', 10), fake('c', 10, true), fake('d', 10, true)]
    expect(shape(planBatches(list, opts()))).toEqual(['a', 'b', [['c'], ['d']]])
    expect(shape(planBatches(list, opts({ serial: true })))).toEqual(['a', 'b', 'c', 'd'])
  })

  it('--quick: overhead alone, everything after it in two lanes', () => {
    const list = [fake('overhead', 80), fake('x', 30), fake('y', 20), fake('z', 15)]
    expect(shape(planBatches(list, opts({ quick: true })))).toEqual(['overhead', [['x'], ['y', 'z']]])
  })

  it('the real registry: a full run shares attacks, reuse, rotation and race only', () => {
    const all = SCENARIO_IDS.map((id) => SCENARIOS[id] as Scenario)
    const lanes = planBatches(all, opts()).filter((b) => b.kind === 'lanes')
    expect(lanes).toHaveLength(1)
    const ids = lanes.flatMap((b) => (b.kind === 'lanes' ? b.lanes.flat().map((s) => s.id) : []))
    expect(ids.sort()).toEqual(['attacks', 'race', 'reuse', 'rotation'])
    expect(lanesNote(planBatches(all, opts()), opts())).toMatch(/--serial/)
    expect(lanesNote(planBatches(all, opts({ serial: true })), opts({ serial: true }))).toBeNull()
  })

  it('a batch of lanes costs its longest lane (with contention), not the sum', () => {
    const [b] = planBatches([fake('b', 40, true), fake('d', 30, true)], opts())
    expect(b && batchEstimateSec(b, opts())).toBeGreaterThanOrEqual(40)
    expect(b && batchEstimateSec(b, opts())).toBeLessThan(70)
  })
})
