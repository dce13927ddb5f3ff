import { describe, expect, it } from 'vitest'
import { renderSvg } from '../../report/charts.js'
import { parseResults } from '../../report/schema.js'
import type { RestartRow } from './measure.js'
import { restartSizes } from './measure.js'
import { buildRestartResult, okShareAfterReady, outageMs } from './report.js'

const bucket = (t: number, ok: number, unauthorized = 0, errors = 0) => ({
  t,
  ok,
  unauthorized,
  otherNon2xx: 0,
  errors,
})

function row(
  config: RestartRow['config'],
  signal: RestartRow['signal'],
  okAfter: number,
  refreshAfter: number | null,
): RestartRow {
  return {
    config,
    signal,
    users: 10,
    okBefore: 1,
    okAfter,
    refreshAfter,
    outcomes: {
      before: { '200': 10 },
      after: okAfter > 0 ? { '200': 10 } : { '401': 10 },
      refresh: refreshAfter === null ? null : { '200': 10 },
    },
    downMs: 1500,
    startMs: 1400,
    exit: signal === 'SIGKILL' ? { code: null, signal: 'SIGKILL' } : { code: 0, signal: null },
    series: {
      bucketMs: 100,
      // up, then 300 ms down (errors), then back with 2xx or 401 depending on what survived
      buckets: [
        bucket(0, 50),
        bucket(100, 50),
        bucket(200, 0, 0, 30),
        bucket(300, 0, 0, 40),
        bucket(400, 0, 0, 20),
        bucket(500, okAfter > 0 ? 40 : 0, okAfter > 0 ? 0 : 40),
      ],
      signalAt: 180,
      readyAt: 480,
    },
    load: {
      ok2xx: 100 + (okAfter > 0 ? 40 : 0),
      unauthorized: okAfter > 0 ? 0 : 40,
      errors: 90,
      otherNon2xx: 0,
    },
  }
}

const rows: RestartRow[] = [
  row('stateful-memory', 'SIGKILL', 0, null),
  row('stateful-memory', 'SIGTERM', 0, null),
  row('stateful-sqlite', 'SIGKILL', 1, null),
  row('stateful-sqlite', 'SIGTERM', 1, null),
  row('stateless-persisted', 'SIGKILL', 1, 1),
  row('stateless-persisted', 'SIGTERM', 1, 1),
  row('stateless-ephemeral', 'SIGKILL', 0, 1),
  row('stateless-ephemeral', 'SIGTERM', 0, 1),
]

describe('restart section', () => {
  it('measures the outage after the signal and the 2xx share after the server is back', () => {
    expect(outageMs(rows[0] as RestartRow)).toBe(400) // buckets 200–500 have no 2xx (memory store: 401s after)
    expect(outageMs(rows[2] as RestartRow)).toBe(300)
    expect(okShareAfterReady(rows[0] as RestartRow)).toBe(0)
    expect(okShareAfterReady(rows[2] as RestartRow)).toBe(1)
  })

  it('computes verdicts from the shares, not from expectations', () => {
    const result = buildRestartResult(rows, restartSizes({ quick: true }))
    const c2 = result.verdicts.find((v) => v.claim === 'C2 (sessions)')
    expect(c2?.status).toBe('mixed')
    expect(c2?.text).toContain('at most 0 %')
    expect(c2?.text).toContain('at least 100 %')
    const jwt = result.verdicts.find((v) => v.claim === 'C2 (stateless)')
    expect(jwt?.status).toBe('supported')
    expect(jwt?.text).toContain('100 % of users could still get a new pair')

    // If the memory store had kept everyone, the verdict must not claim the opposite.
    const odd = buildRestartResult(
      rows.map((r) => (r.config === 'stateful-memory' ? { ...r, okAfter: 1 } : r)),
      restartSizes({ quick: true }),
    )
    expect(odd.verdicts.find((v) => v.claim === 'C2 (sessions)')?.status).toBe('inconclusive')
  })

  it('produces a valid section whose chart renders to SVG', async () => {
    const result = buildRestartResult(rows, restartSizes({ quick: false }))
    expect(() => parseResults({ schemaVersion: 1, context: {}, experiments: [result] })).not.toThrow()
    expect(result.tables[0]?.rows).toHaveLength(8)
    expect(result.invalid).toEqual([])
    const svg = await renderSvg(result.charts[0]?.vegaLiteSpec ?? {})
    expect(svg).toMatch(/^<svg/)
    expect(svg).toContain('stateful-memory')
  })

  it('marks a configuration invalid when its users were not all logged in before the restart', () => {
    const bad = buildRestartResult(
      [{ ...(rows[0] as RestartRow), okBefore: 0.5 }],
      restartSizes({ quick: true }),
    )
    expect(bad.invalid).toHaveLength(1)
  })
})
