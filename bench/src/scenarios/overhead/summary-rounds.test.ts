// A variant whose HTTP visit was left out (noisy again after its re-run) keeps one round: its row says so, and shows
// no min–max or spread it does not have (review E4).
import { describe, expect, it } from 'vitest'
import type { Sample } from './measure.js'
import { summarizeVariants } from './summary.js'
import { mainTable } from './tables.js'

const sample = (round: number, target: string, rps: number, cpu: number): Sample => ({
  round,
  position: 0,
  group: 'g',
  target,
  path: target.endsWith(':public') ? '/public' : '/me',
  rps,
  responses: rps / 2,
  ok2xx: rps / 2,
  non2xx: 0,
  errors: 0,
  timeouts: 0,
  statusCounts: { '200': rps / 2 },
  latencyMs: { p50: 1, p97_5: 2, p99: 3, mean: 1, max: 4 },
  durationSec: 0.5,
  cpuUsPerReq: cpu,
  readsPerReq: 0,
  writesPerReq: 0,
  storeOps: {},
  credentialBytes: 400,
})

describe('one kept round of two', () => {
  it('says "1 round" where a range or a spread would be', () => {
    // Round 2's visit was left out by the noise guard: both of its samples are gone (measure.ts:246).
    const samples = [sample(1, 'g:public', 12000, 60), sample(1, 'v', 2447, 329)]
    const [v] = summarizeVariants(samples, [{ id: 'v', group: 'g', label: 'GET /me', description: '' }], 2)
    expect(v!.valid).toBe(true)
    expect(v!.rounds).toBe(1)
    const t = mainTable([v!], 2)
    expect(t.title).toContain('median of 2 round(s) (min–max)')
    const row = t.rows[0]!
    expect(row[1]).toBe('2,447 (1 round)')
    expect(row[3]).toBe('– (1 round)')
    expect(row[5]).toBe('329 (1 round)')
  })
})
