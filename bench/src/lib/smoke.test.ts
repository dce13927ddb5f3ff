import { describe, expect, it } from 'vitest'
import { smokeVerdicts } from './smoke.js'

describe('smokeVerdicts', () => {
  const v = [{ claim: 'C7', status: 'supported' as const, text: 'two tokens.' }]
  it('keeps full-run verdicts as they are', () => {
    expect(smokeVerdicts(v, false)).toEqual(v)
  })
  it('strips the status of a --quick run and says it decides nothing', () => {
    const [s] = smokeVerdicts(v, true)
    expect(s?.status).toBeUndefined()
    expect(s?.text).toBe('smoke run: no verdict (--quick sizes). two tokens.')
  })
})
