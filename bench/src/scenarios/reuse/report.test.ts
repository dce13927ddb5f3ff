import { describe, expect, it } from 'vitest'
import type { ReuseRow } from './measure.js'
import { reuseVerdicts, sequence } from './report.js'

const row = (
  order: ReuseRow['order'],
  attackerTokens: number,
  graceSec = 0,
  died: number | null = 500,
): ReuseRow => ({
  variant: `grace-${graceSec}s`,
  graceSec,
  revocation: 'denylist',
  order,
  events: [
    { party: 'attacker', atMs: 0, status: 200, code: null },
    { party: 'victim', atMs: 300, status: 401, code: 'refresh_token_reused' },
  ],
  attackerTokens,
  familyDiedMs: died,
  detectedBy: died === null ? null : 'victim',
  victimLoggedOut: true,
  attackerAccessAtEnd: 401,
  victimAccessAtEnd: 401,
})

describe('reuse verdict (C7)', () => {
  it('is supported when strict rotation gives at most one token in every order, idle victim included', () => {
    const rows = [
      row('attacker-first', 1),
      row('victim-first', 0),
      row('simultaneous', 1),
      row('victim-idle', 1),
    ]
    expect(reuseVerdicts(rows)[0]?.status).toBe('supported')
  })

  it('is mixed when an idle victim lets the thief rotate at will, refuted when a race gives two tokens', () => {
    const races = [row('attacker-first', 1), row('victim-first', 0), row('simultaneous', 1)]
    expect(reuseVerdicts([...races, row('victim-idle', 5)])[0]?.status).toBe('mixed')
    expect(reuseVerdicts([row('attacker-first', 2), row('victim-first', 0)])[0]?.status).toBe('refuted')
    expect(reuseVerdicts([row('attacker-first', 1, 0, null)])[0]?.status).toBe('refuted') // the family never died
  })

  it('ignores grace variants for the verdict and says what they cost', () => {
    const v = reuseVerdicts([row('attacker-first', 1), row('attacker-first', 2, 10)])[0]
    expect(v?.status).toBe('supported')
    expect(v?.text).toContain('up to 2 token(s)')
    expect(reuseVerdicts([row('attacker-first', 2, 10)])).toEqual([])
  })

  it('prints the refresh sequence compactly', () => {
    expect(sequence(row('attacker-first', 1).events)).toBe('A✔ V✘reused')
  })
})
