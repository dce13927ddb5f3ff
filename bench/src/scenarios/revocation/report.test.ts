import { describe, expect, it } from 'vitest'
import { renderSvg } from '../../report/charts.js'
import type { ExperimentResult } from '../../report/schema.js'
import { parseResults } from '../../report/schema.js'
import type { ReplayRow } from './measure.js'
import { revocationSizes, snapshotExpMs, tokenExpMs } from './measure.js'
import { buildRevocationResult, cookieCacheFinding, costsFromOverhead } from './report.js'

const row = (
  mode: ReplayRow['mode'],
  event: ReplayRow['event'],
  holder: ReplayRow['holder'],
  accepted: number,
): ReplayRow => ({
  mode,
  event,
  holder,
  eventStatus: 204,
  accepted,
  acceptedForMs: accepted * 100,
  refusedAfterMs: accepted * 100 + 100,
  finalStatus: 401,
  remainingTtlMs: mode === 'stateful' ? null : 9000,
  refreshAccepted: mode === 'stateful' ? null : false,
})

const rows: ReplayRow[] = [
  row('stateful', 'logout', 'self', 0),
  row('stateless-none', 'logout', 'self', 90),
  row('stateless-none', 'logout-all', 'other', 88),
  row('stateless-denylist', 'logout', 'self', 0),
  row('stateless-version', 'logout', 'self', 0),
]

const overhead = {
  id: 'overhead',
  raw: {
    variants: [
      {
        id: 'stateless-hs256-none',
        valid: true,
        ratio: { median: 0.42 },
        addedUs: { median: 70 },
        cpuAddedUs: { median: 80 },
        readsPerReq: 0,
      },
      {
        id: 'stateless-hs256-denylist',
        valid: true,
        ratio: { median: 0.35 },
        addedUs: { median: 95 },
        cpuAddedUs: { median: 100 },
        readsPerReq: 1,
      },
      {
        id: 'stateless-hs256-version',
        valid: false,
        ratio: null,
        addedUs: null,
        cpuAddedUs: null,
        readsPerReq: 1,
      },
    ],
  },
} as unknown as ExperimentResult

describe('revocation section', () => {
  it('reads a token exp without verifying it', () => {
    const payload = Buffer.from(JSON.stringify({ exp: 1700000000 })).toString('base64url')
    expect(tokenExpMs(`x.${payload}.y`)).toBe(1_700_000_000_000)
    expect(tokenExpMs('not-a-jwt')).toBeNull()
    expect(tokenExpMs(undefined)).toBeNull()
  })

  it('takes per-request costs from a valid overhead run only', () => {
    const costs = costsFromOverhead([overhead])
    expect(costs['stateless-none']?.ratio).toBe(0.42)
    expect(costs['stateless-denylist']?.readsPerReq).toBe(1)
    expect(costs['stateless-version']).toBeUndefined() // invalid variants are never quoted
    expect(costsFromOverhead([])).toEqual({})
  })

  it('computes C5 and C6 from the replays', () => {
    const r = buildRevocationResult(rows, revocationSizes({ quick: false }), [overhead])
    const c5 = r.verdicts.find((v) => v.claim === 'C5')
    expect(c5?.status).toBe('supported')
    expect(c5?.text).toContain('up to 9 s')
    const c6 = r.verdicts.find((v) => v.claim === 'C6')
    expect(c6?.status).toBe('supported')
    expect(c6?.text).toContain('stateless-denylist 0.35× /public')
    expect(r.tables[0]?.columns).toContain('added µs/req')
  })

  it('does not call C6 supported when a checked mode let a replay through', () => {
    const leaky = [...rows, row('stateless-version', 'password', 'other', 3)]
    expect(
      buildRevocationResult(leaky, revocationSizes({ quick: true }), []).verdicts.find(
        (v) => v.claim === 'C6',
      )?.status,
    ).toBe('mixed')
  })

  it('produces a valid section whose bar chart renders', async () => {
    const r = buildRevocationResult(rows, revocationSizes({ quick: true }), [])
    expect(() => parseResults({ schemaVersion: 1, context: {}, experiments: [r] })).not.toThrow()
    expect(r.tables[0]?.columns).not.toContain('added µs/req')
    expect(await renderSvg(r.charts[0]?.vegaLiteSpec ?? {})).toMatch(/^<svg/)
  })
})

describe('session cookie cache mode (issue 11 item 8)', () => {
  it('states the measured window next to the snapshot lifetime left, and stays out of the C6 verdict', () => {
    const sizes = revocationSizes({ quick: false })
    const cached: ReplayRow = {
      ...row('stateful-cookie-cache', 'logout-all', 'other', 38),
      remainingTtlMs: 3900,
      refreshAccepted: null,
    }
    const r = buildRevocationResult([...rows, cached], sizes, [])
    // The full run's cache lifetime (4 s since session 6; the note names whatever the run used).
    const note = r.notes?.find((n) => n.includes(`SESSION_COOKIE_CACHE=${sizes.cookieCacheTtlSec} s`))
    expect(note).toContain(
      'logout-all (other device): accepted 38× for 3.8 s, refused after 3.9 s; snapshot life left 3.9 s',
    )
    expect(cookieCacheFinding(rows, sizes)).toBeNull()
    const c6 = r.verdicts.find((v) => v.claim === 'C6')
    expect(c6?.status).toBe('supported') // the cookie cache is a trade-off, not a failed check
  })

  it('reads a snapshot cookie’s exp without verifying it', () => {
    const payload = Buffer.from(JSON.stringify({ u: 1, exp: 1_767_225_605_000 })).toString('base64url')
    expect(snapshotExpMs(`sid_cache=${payload}.${'A'.repeat(43)}`)).toBe(1_767_225_605_000)
    expect(snapshotExpMs(undefined)).toBeNull()
    expect(snapshotExpMs('sid_cache=!!!.x')).toBeNull()
  })
})
