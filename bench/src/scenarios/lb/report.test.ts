import { describe, expect, it } from 'vitest'
import { renderSvg } from '../../report/charts.js'
import { parseResults } from '../../report/schema.js'
import type { LbCell, LbResults } from './measure.js'
import { lbSizes } from './measure.js'
import { buildLbResult, spreadText } from './report.js'

const cell = (config: LbCell['config'], policy: LbCell['policy'], share: number): LbCell => ({
  config,
  policy,
  users: 12,
  ok2xxShare: share,
  rps2xx: 300 * share,
  rpsAll: 300,
  responses: 900,
  spread: { i0: 300, i1: 300, i2: 300 },
  statusCounts:
    share === 1 ? { '200': 900 } : { '200': Math.round(900 * share), '401': Math.round(900 * (1 - share)) },
  errors: 0,
})

const results: LbResults = {
  cells: [
    cell('stateful-memory', 'round-robin', 0.34),
    cell('stateful-memory', 'sticky', 1),
    cell('stateful-sqlite', 'round-robin', 1),
    cell('stateful-sqlite', 'sticky', 1),
    cell('stateless-persisted', 'round-robin', 1),
    cell('stateless-persisted', 'sticky', 1),
    cell('stateless-ephemeral', 'round-robin', 0.33),
    cell('stateless-ephemeral', 'sticky', 1),
  ],
  kills: [
    {
      config: 'stateful-memory',
      victim: 'i1',
      victimUsers: 4,
      victimOkAfter: 0,
      othersOkAfter: 1,
      series: {
        bucketMs: 100,
        buckets: [{ t: 0, ok: 10, unauthorized: 2, otherNon2xx: 0, errors: 0 }],
        killAt: 50,
      },
      badGateway: 0,
    },
  ],
  replays: [
    { config: 'stateful-sqlite', revocation: 'n/a', validOnB: 200, replayOnB: 401, replayOnA: 401 },
    { config: 'stateless-persisted', revocation: 'none', validOnB: 200, replayOnB: 200, replayOnA: 200 },
    { config: 'stateless-persisted', revocation: 'denylist', validOnB: 200, replayOnB: 401, replayOnA: 401 },
  ],
}

describe('load-balancer section', () => {
  it('formats the spread over instances as shares', () => {
    expect(spreadText({ i0: 1, i1: 1, i2: 2 })).toBe('i0 25 % · i1 25 % · i2 50 %')
    expect(spreadText({})).toBe('')
  })

  it('computes the C3 verdicts from the measured shares', () => {
    const r = buildLbResult(results, lbSizes({ quick: true }))
    expect(r.verdicts.find((v) => v.claim === 'C3 (sessions)')?.status).toBe('supported')
    expect(r.verdicts.find((v) => v.claim === 'C3 (JWT)')?.text).toContain('per-instance keys only 33 %')
    expect(r.verdicts.find((v) => v.claim === 'C3 (failover)')?.text).toContain('stateful-memory 0 %')
    const logout = r.verdicts.find((v) => v.claim === 'logout across instances')
    expect(logout?.status).toBe('mixed')
    expect(logout?.text).toContain('stateless-persisted (none)')
    expect(logout?.text).not.toContain('denylist')
  })

  it('does not call the session claim supported when the numbers disagree', () => {
    const flipped = {
      ...results,
      cells: results.cells.map((c) => (c.config === 'stateful-memory' ? { ...c, ok2xxShare: 1 } : c)),
    }
    expect(
      buildLbResult(flipped, lbSizes({ quick: true })).verdicts.find((v) => v.claim === 'C3 (sessions)')
        ?.status,
    ).toBe('inconclusive')
  })

  it('produces a valid section whose matrix chart renders', async () => {
    const r = buildLbResult(results, lbSizes({ quick: false }))
    expect(() => parseResults({ schemaVersion: 1, context: {}, experiments: [r] })).not.toThrow()
    const svg = await renderSvg(r.charts[0]?.vegaLiteSpec ?? {})
    expect(svg).toMatch(/^<svg/)
    expect(svg).toContain('round-robin')
  })
})
