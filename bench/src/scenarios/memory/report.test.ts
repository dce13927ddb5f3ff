import { describe, expect, it } from 'vitest'
import { renderSvg } from '../../report/charts.js'
import { parseResults } from '../../report/schema.js'
import type { MemoryPoint } from './measure.js'
import { bytesPerSession, memorySizes } from './measure.js'
import { buildMemoryResult, resolutionBytes } from './report.js'

const MiB = 1024 * 1024
const point = (
  config: MemoryPoint['config'],
  sessions: number,
  heapMiB: number,
  target = sessions,
): MemoryPoint => ({
  config,
  sessions,
  target,
  heapUsedBytes: heapMiB * MiB,
  rssBytes: (heapMiB + 90) * MiB,
  loginsPerSec: sessions === 0 ? null : 800,
})

const points: MemoryPoint[] = [
  point('stateful-memory', 0, 10),
  point('stateful-memory', 10_000, 14),
  point('stateful-memory', 50_000, 30),
  point('stateless', 0, 10),
  point('stateless', 10_000, 10.5),
  point('stateless', 42_000, 11, 50_000),
]

describe('memory section', () => {
  it('computes bytes per session between the first and last reading', () => {
    const mem = points.filter((p) => p.config === 'stateful-memory')
    // slope from the 10k reading to the 50k one: the 0 → 10k step also holds one-off warm-up growth
    expect(bytesPerSession(mem, (p) => p.heapUsedBytes)).toBeCloseTo((16 * MiB) / 40_000)
    // with a single reading after 0 the slope starts at 0
    expect(
      bytesPerSession([mem[0] as MemoryPoint, mem[2] as MemoryPoint], (p) => p.heapUsedBytes),
    ).toBeCloseTo((20 * MiB) / 50_000)
    expect(bytesPerSession(mem.slice(0, 1), (p) => p.heapUsedBytes)).toBeNull()
    expect(bytesPerSession(mem, () => null)).toBeNull()
  })

  it('states the measured per-session cost and flags a checkpoint cut short by the time budget', () => {
    const r = buildMemoryResult(points, memorySizes({ quick: false }))
    const v = r.verdicts[0]
    expect(v?.claim).toBe('C13')
    expect(v?.status).toBe('supported')
    expect(v?.text).toContain(`${Math.round((16 * MiB) / 40_000)} bytes`)
    expect(r.tables[0]?.rows.at(-1)?.[1]).toBe('42000 (of 50000: time budget)')
    expect(r.notes?.join(' ')).toContain('stateless @ 50000')
  })

  it('says inconclusive when the difference is within the heap noise (few sessions)', () => {
    const few = [
      point('stateful-memory', 0, 10),
      point('stateful-memory', 1000, 10.3),
      point('stateless', 0, 10),
      point('stateless', 1000, 10.2),
    ]
    const v = buildMemoryResult(few, memorySizes({ quick: true })).verdicts[0]
    expect(v?.status).toBe('inconclusive')
    expect(v?.text).toContain('noise')
  })

  it('reports a slope inside the method’s resolution as such, never as a negative or tiny figure', () => {
    // The stateless app's heap drifts −147 B per login over 2000 logins: inside ±(2 MiB ÷ 2000) ≈ ±1049 B.
    const drift = [
      point('stateful-memory', 0, 10),
      point('stateful-memory', 1000, 13),
      point('stateful-memory', 11_000, 19),
      point('stateless', 0, 10),
      point('stateless', 1000, 13.7),
      point('stateless', 3000, 13.7 - (147 * 2000) / MiB),
    ]
    expect(resolutionBytes(drift.filter((p) => p.config === 'stateless'))).toBeCloseTo((2 * MiB) / 2000)
    const r = buildMemoryResult(drift, memorySizes({ quick: true }))
    const perSession = r.tables[1]?.rows
    expect(perSession?.find((row) => row[0] === 'stateless')?.[2]).toBe(
      'below the resolution of this method (±1049 B)',
    )
    expect(perSession?.find((row) => row[0] === 'stateful-memory')?.[2]).toBe('629 B (±210 B)')
    expect(r.verdicts[0]?.text).toContain('no measurable growth for the stateless app')
    expect(r.verdicts[0]?.text).not.toContain('-147')
  })

  it('names a heap that shrank by more than the noise as no growth, never as a negative cost (session 5 run)', () => {
    // The stateless app's heap: 13.8 MiB at 0, 18.4 at 10,000, 15.6 at 25,000 logins: −198 B per login, beyond ±140 B.
    const shrank = [
      point('stateful-memory', 0, 13.6),
      point('stateful-memory', 10_000, 23.5),
      point('stateful-memory', 25_000, 31.7),
      point('stateless', 0, 13.8),
      point('stateless', 10_000, 18.4),
      point('stateless', 25_000, 15.57),
    ]
    const r = buildMemoryResult(shrank, memorySizes({ quick: false }))
    const row = r.tables[1]?.rows.find((x) => x[0] === 'stateless')
    expect(String(row?.[2])).toMatch(/^no growth: the heap shrank by 19\d B per session .*±140 B/)
    expect(r.verdicts[0]?.status).toBe('supported')
    expect(r.verdicts[0]?.text).toContain('against no growth for the stateless app')
    expect(r.verdicts[0]?.text).not.toMatch(/-19\d/)
  })

  it('produces a valid section whose chart renders', async () => {
    const r = buildMemoryResult(points, memorySizes({ quick: true }))
    expect(() => parseResults({ schemaVersion: 1, context: {}, experiments: [r] })).not.toThrow()
    expect(await renderSvg(r.charts[0]?.vegaLiteSpec ?? {})).toMatch(/^<svg/)
  })
})
