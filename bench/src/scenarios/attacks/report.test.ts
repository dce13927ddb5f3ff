import type { CaseResult } from '@auth-lab/attacks'
import { describe, expect, it } from 'vitest'
import { parseResults, RESULTS_SCHEMA_VERSION } from '../../report/schema.js'
import { buildAttacksResult } from './report.js'

const row = (over: Partial<CaseResult>): CaseResult => ({
  id: 'T41',
  title: 'The alg none family',
  group: 'jwt',
  app: 'stateless',
  expected: '401',
  observed: 'all refused',
  pass: true,
  failures: [],
  accepted: [],
  ms: 1,
  ...over,
})

describe('attacks report', () => {
  it('builds both tables from case results and computes the C11 verdict', () => {
    const results = [
      row({}),
      row({ app: 'naive', pass: false, accepted: ['none (h.p.)'], observed: 'accepted 1/1' }),
      row({ id: 'T02', title: 'Generic failure', group: 'login', app: 'stateful' }),
      row({
        id: 'T02',
        title: 'Generic failure',
        group: 'login',
        app: 'stateless',
        pass: false,
        failures: ['bodies differ'],
      }),
    ]
    const e = buildAttacksResult(results)
    const [catalogue, contrast] = e.tables
    expect(catalogue?.rows).toHaveLength(3)
    expect(catalogue?.rows.map((r) => r[5])).toEqual(['pass', 'FAIL', 'pass'])
    expect(contrast?.rows).toEqual([['T41', 'The alg none family', 'refused all', 'ACCEPTED 1: none (h.p.)']])
    expect(e.verdicts.find((v) => v.claim === 'C11')?.status).toBe('supported')
    expect(e.verdicts.find((v) => v.claim === 'catalogue')?.status).toBe('mixed')
    // The renderer's own validation accepts it.
    expect(() =>
      parseResults({ schemaVersion: RESULTS_SCHEMA_VERSION, context: {}, experiments: [e] }),
    ).not.toThrow()
  })

  it('says refuted when the naive verifier accepted nothing', () => {
    const e = buildAttacksResult([row({}), row({ app: 'naive' })])
    expect(e.verdicts.find((v) => v.claim === 'C11')?.status).toBe('refuted')
  })
})
