import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { parseResults } from './schema.js'
import { upgradeResults } from './upgrade.js'

const COMMITTED = join(import.meta.dirname, '../../../docs/sample-report/results.json')
const load = () => parseResults(JSON.parse(readFileSync(COMMITTED, 'utf8')))

describe('upgradeResults: an older results file read with today’s rules, from its own data', () => {
  it('decides C1 and C4 per store from the per-round in-process figures when Redis was measured (review R1)', () => {
    const oh = upgradeResults(load()).experiments.find((e) => e.id === 'overhead')!
    const c = oh.verdicts.filter((v) => /^C[14]\b/.test(v.claim)).map((v) => [v.claim, v.status])
    expect(c).toEqual([
      ['C1 (local SQLite)', 'refuted'],
      ['C1 (Redis)', 'supported'],
      ['C4 (local SQLite)', 'inconclusive'],
      ['C4 (Redis)', 'supported'],
    ])
  })

  it('redraws the storm chart from its buckets: its peak is the table’s, not 4× it (review R4)', () => {
    const before = load().experiments.find((e) => e.id === 'storm')!
    const after = upgradeResults(load()).experiments.find((e) => e.id === 'storm')!
    const peak = (e: typeof before) =>
      Math.max(
        ...(e.charts[0]!.vegaLiteSpec as { data: { values: Record<string, number>[] } }).data.values.map(
          (v) => v.asked ?? v.rate ?? 0,
        ),
      )
    const table = (after.raw as { cases: { jitterSec: number; wave2: { peakDuePerSec: number } }[] }).cases
    const plain = table.find((c) => c.jitterSec === 0)!.wave2.peakDuePerSec
    expect(peak(before)).toBeGreaterThan(3 * plain) // the old chart
    expect(peak(after)).toBeLessThanOrEqual(plain)
    expect(peak(after)).toBeGreaterThan(0.9 * plain)
  })

  it('labels the restart experiment’s sessions verdict, and is idempotent', () => {
    const once = upgradeResults(load())
    expect(once.experiments.find((e) => e.id === 'restart')!.verdicts.map((v) => v.claim)).toContain(
      'C2 (sessions)',
    )
    expect(upgradeResults(once)).toEqual(once)
  })
})
