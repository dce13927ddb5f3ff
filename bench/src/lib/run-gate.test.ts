import { describe, expect, it } from 'vitest'
import type { ExperimentResult, Verdict } from '../report/schema.js'
import { gateMeasured, guardState } from './run-gate.js'

const exp = (id: string, verdicts: Verdict[], raw: unknown = null): ExperimentResult => ({
  id,
  title: id,
  claims: [],
  method: '',
  tables: [],
  charts: [],
  verdicts,
  invalid: [],
  raw,
})
const overhead = (passed: boolean) => exp('overhead', [], { noise: { passed } })
const size = () => exp('size', [{ claim: 'C9', status: 'supported', text: 'JWT dearer.' }])
const ttl = () => exp('ttl', [{ claim: 'C8', status: 'supported', text: 'Short TTL costs.' }])
const revocation = () => exp('revocation', [{ claim: 'C5', status: 'supported', text: 'Accepted 7 s.' }])

describe('the run-wide verdict gate (review A1)', () => {
  it('withdraws the badges of CPU-decided claims when the guard failed, and keeps outcome claims', () => {
    const out = gateMeasured([overhead(false), size(), ttl(), revocation()])
    expect(out.find((e) => e.id === 'size')?.verdicts[0]).toMatchObject({ status: 'inconclusive' })
    expect(out.find((e) => e.id === 'size')?.verdicts[0]?.text).toMatch(
      /^No verdict: the run failed the noise guard.*JWT dearer\.$/,
    )
    expect(out.find((e) => e.id === 'ttl')?.verdicts[0]?.status).toBe('inconclusive')
    expect(out.find((e) => e.id === 'revocation')?.verdicts[0]?.status).toBe('supported')
  })

  it('withdraws them too when the run had no guard at all, and says how to get one', () => {
    const out = gateMeasured([size()])
    expect(guardState([size()])).toBe('absent')
    expect(out[0]?.verdicts[0]?.status).toBe('inconclusive')
    expect(out[0]?.verdicts[0]?.text).toContain('no noise guard')
  })

  it('keeps every verdict of a run that passed the guard, and is idempotent', () => {
    const passed = [overhead(true), size(), ttl()]
    expect(gateMeasured(passed)).toEqual(passed)
    const once = gateMeasured([overhead(false), size()])
    expect(gateMeasured(once)).toEqual(once)
  })

  it('leaves smoke-run verdicts (no status) alone', () => {
    const smoke = exp('size', [{ claim: 'C9', text: 'smoke run: no verdict' }])
    expect(gateMeasured([overhead(false), smoke])[1]).toEqual(smoke)
  })

  it('also withdraws an already inconclusive verdict whose sentence decides a half (review R5), and caveats C6’s quoted costs', () => {
    const half = exp('size', [
      {
        claim: 'C9',
        status: 'inconclusive',
        text: 'JWT 8192 B above 0 B in all 3 rounds; sessions 1 round.',
      },
    ])
    const c6 = exp('revocation', [
      { claim: 'C6', status: 'supported', text: 'No replay accepted, at 0.31× /public.' },
    ])
    const out = gateMeasured([overhead(false), half, c6])
    expect(out[1]?.verdicts[0]?.text).toMatch(/^No verdict: the run failed the noise guard/)
    expect(out[2]?.verdicts[0]?.status).toBe('supported') // counted replays decide C6
    expect(out[2]?.verdicts[0]?.text).toMatch(/did not pass the noise guard: figures only/)
    expect(gateMeasured(out)).toEqual(out)
  })
})
