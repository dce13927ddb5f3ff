import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { chooseFrom } from './choose.js'
import { us } from './deciding.js'
import type { ResultsFile, Verdict } from './schema.js'
import { buildSummary, noiseBanner, type RowState, undecidedWhy } from './summary.js'
import { summaryMarkdown } from './summary-render.js'

const FIXTURE = join(import.meta.dirname, '../../test/fixtures/results.fixture.json')
// A frozen slim copy of the 2026-11-25 quick sample run: the assertions below quote its numbers, so they must not
// move when the lead regenerates docs/sample-report.
const SAMPLE = join(import.meta.dirname, '../../test/fixtures/results.sample-quick.json')
const load = (p: string): ResultsFile => JSON.parse(readFileSync(p, 'utf8'))
// The committed full sample run (guard passed).
const COMMITTED = join(import.meta.dirname, '../../../docs/sample-report/results.json')

/** The fixture as a full (non-quick) run, with the overhead verdicts replaced. */
function fullRun(verdicts: Verdict[], base = load(FIXTURE)): ResultsFile {
  base.context.options.quick = false
  const oh = base.experiments.find((e) => e.id === 'overhead')!
  oh.verdicts = verdicts
  return base
}

const row = (r: ResultsFile, id: string) => buildSummary(r).rows.find((x) => x.id === id)!

describe('summary rows', () => {
  it('lists every claim C1–C13 plus storm and rotation, in order', () => {
    const ids = buildSummary(load(FIXTURE)).rows.map((r) => r.id)
    expect(ids).toEqual([...Array.from({ length: 13 }, (_, i) => `C${i + 1}`), 'storm', 'rotation'])
  })

  it('says "smoke run: no verdict" for every answered claim of a --quick run, whatever the status says', () => {
    const r = load(FIXTURE)
    expect(r.context.options.quick).toBe(true)
    expect(row(r, 'C1').state).toBe('smoke')
    expect(row(r, 'C1').verdict).toBe('smoke run: no verdict')
  })

  it('shows a full run’s verdict, a failed experiment as failed, and a missing one as "no experiment in this run"', () => {
    const r = fullRun([{ claim: 'C1', status: 'refuted', text: 'x' }])
    expect(row(r, 'C1').state).toBe('refuted')
    expect(row(r, 'C2').state).toBe('failed') // restart threw in the fixture
    expect(row(r, 'C7').state).toBe('no-experiment')
    expect(row(r, 'C7').verdict).toBe('no experiment in this run')
    expect(row(r, 'C10').state).toBe('no-verdict') // overhead ran but gave no C10 verdict here
  })

  it('takes an inconclusive verdict as inconclusive, and combines labelled sub-verdicts (C3) into mixed', () => {
    expect(row(fullRun([{ claim: 'C4', status: 'inconclusive', text: 'x' }]), 'C4').state).toBe(
      'inconclusive',
    )
    const r = fullRun([
      { claim: 'C3 (sessions)', status: 'supported', text: 'x' },
      { claim: 'C3 (JWT)', status: 'mixed', text: 'y' },
      { claim: 'C13', status: 'supported', text: 'not C1' },
    ])
    expect(row(r, 'C3').state).toBe('mixed')
    expect(row(r, 'C3').verdict).toContain('(sessions) supported')
    expect(row(r, 'C1').state).toBe('no-verdict') // "C13" does not answer C1
  })

  it('reads new experiments’ claims as rows when present (C7 by id, storm by experiment id)', () => {
    const r = fullRun([])
    r.experiments.push(
      {
        ...r.experiments[0]!,
        id: 'reuse',
        title: 'Refresh-token reuse race (C7)',
        verdicts: [{ claim: 'C7', status: 'supported', text: 'x', figure: '1 token (1–1)' }],
      },
      {
        ...r.experiments[0]!,
        id: 'storm',
        title: 'Refresh storm',
        verdicts: [{ claim: 'peak', status: 'supported', text: 'kept up' }],
      },
    )
    expect(row(r, 'C7')).toMatchObject({ state: 'supported', figure: '1 token (1–1)' })
    expect(row(r, 'C7').section).toBe('Refresh-token reuse race (C7)')
    expect(row(r, 'storm').state).toBe('supported')
  })

  it('gives the deciding number with its spread, read from raw data', () => {
    const c1 = row(load(SAMPLE), 'C1').figure
    expect(c1).toMatch(/HS256 JWT \+116 µs \(102–129\) vs SQLite session \+70 µs \(\d+–\d+\)/)
    expect(row(load(SAMPLE), 'C13').figure).toMatch(/below the resolution of this method \(±\d+ B\)/)
  })
})

describe('noise banner', () => {
  it("appears only when the overhead experiment's guard failed, and says what that does to the rows", () => {
    const r = fullRun([])
    const oh = r.experiments.find((e) => e.id === 'overhead')!
    oh.raw = { ...(oh.raw as object), noise: undefined }
    expect(noiseBanner(r)).toBeNull()
    oh.raw = { ...(oh.raw as object), noise: { passed: true } }
    expect(noiseBanner(r)).toBeNull()
    oh.raw = { ...(oh.raw as object), noise: { passed: false, rounds: 126, stillNoisy: 7, notRerun: 84 } }
    // One plain sentence first, then what is still in the figures (review R6).
    expect(noiseBanner(r)).toMatch(/^Noisy run: the speed and CPU numbers in this report are not evidence\./)
    expect(noiseBanner(r)).toContain(
      'Of its 126 measured rounds, 7 were left out and 84 flagged as noisy are still in the figures.',
    )
    expect(noiseBanner(r)).toMatch(/C1, C4, C10, C12, C8, C9/)
    expect(summaryMarkdown(buildSummary(r))).toMatch(/^> \*\*⚠ Noisy run/)
  })

  it('a failed guard withdraws the CPU-decided claims of other experiments too, not the counted outcomes (review A1)', () => {
    const r = fullRun([])
    const oh = r.experiments.find((e) => e.id === 'overhead')!
    oh.raw = { ...(oh.raw as object), noise: { passed: false } }
    for (const [id, claim] of [
      ['size', 'C9'],
      ['ttl', 'C8'],
      ['revocation', 'C5'],
    ] as const) {
      r.experiments.push({
        id,
        title: id,
        claims: [],
        method: '',
        tables: [],
        charts: [],
        invalid: [],
        raw: null,
        verdicts: [{ claim, status: 'supported', text: 'x' }],
      })
    }
    // Withheld, not "inconclusive" (which says the numbers overlapped in a run that could decide; review R5).
    expect(row(r, 'C9').state).toBe('withheld')
    expect(row(r, 'C8').state).toBe('withheld')
    expect(row(r, 'C9').verdict).toBe('– withheld: noisy run')
    // Without the overhead experiment there is no guard: withheld for that reason, and said so.
    const noGuard = { ...r, experiments: r.experiments.filter((e) => e.id !== 'overhead') }
    expect(row(noGuard, 'C9').verdict).toBe('– withheld: no noise guard in this run')
    expect(row(r, 'C5').state).toBe('supported')
  })
})

describe('choose rules (counterfactual inputs)', () => {
  const results = load(SAMPLE)
  const states = (s: Record<string, RowState>) => new Map(Object.entries(s))

  it('puts the speed argument on the side the C1 verdict favours', () => {
    const refuted = chooseFrom(states({ C1: 'refuted' }), results)
    expect(refuted.sessions.join()).toMatch(/C1, local SQLite: refuted/)
    expect(refuted.jwt.join()).not.toMatch(/C1/)
    const supported = chooseFrom(states({ C1: 'supported' }), results)
    expect(supported.jwt.join()).toMatch(/\(C1\)/)
    expect(supported.sessions.join()).not.toMatch(/C1/)
  })

  it('decides the speed argument per store when the run measured Redis: local SQLite for sessions, Redis for JWTs (review R1)', () => {
    const c = chooseFrom(
      states({ 'C1 (local SQLite)': 'refuted', 'C1 (Redis)': 'supported', C1: 'mixed' }),
      results,
    )
    expect(c.sessions.join()).toMatch(/store is local.*C1, local SQLite: refuted/)
    expect(c.jwt.join()).toMatch(
      /across the network: a Redis session lookup took .*wall time.*C1, Redis: supported/,
    )
    // The sub-verdict wins over the combined row ("mixed" feeds no rule by itself).
    expect(chooseFrom(states({ C1: 'mixed' }), results).sessions.join()).not.toMatch(/C1/)
    // A row decided in parts lists only its undecided parts as undecided (review X2).
    const c4 = chooseFrom(
      states({ C4: 'inconclusive', 'C4 (local SQLite)': 'inconclusive', 'C4 (Redis)': 'supported' }),
      results,
    )
    expect(c4.undecided).toEqual(['inconclusive: C4 (local SQLite)'])
  })

  it('argues instant revocation for sessions only when C5 is supported, with this run’s window', () => {
    expect(chooseFrom(states({ C5: 'supported' }), results).sessions.join()).toMatch(
      /up to 2\.9 s after the event \(C5; this run's ACCESS_TTL was \d+ s/,
    )
    expect(chooseFrom(states({ C5: 'refuted' }), results).sessions.join()).not.toMatch(/C5/)
  })

  it('needs both C6 and C12 for the per-request-check argument, and flips it when C12 is refuted', () => {
    expect(chooseFrom(states({ C6: 'supported' }), results).sessions).toEqual([])
    expect(chooseFrom(states({ C6: 'supported', C12: 'supported' }), results).sessions.join()).toMatch(/C12/)
    expect(chooseFrom(states({ C6: 'supported', C12: 'refuted' }), results).jwt.join()).toMatch(/C12 refuted/)
  })

  it('draws nothing from a smoke run or inconclusive claims and lists them as undecided, grouped by reason', () => {
    const c = chooseFrom(
      states({ C1: 'smoke', C5: 'smoke', C4: 'inconclusive', C7: 'no-experiment' }),
      results,
    )
    expect([...c.sessions, ...c.jwt, ...c.eitherWay]).toEqual([])
    expect(c.undecided).toEqual(['smoke run: C1, C5', 'inconclusive: C4', 'no experiment in this run: C7'])
  })
})

describe('deciding numbers for the claims decided outside the overhead experiment', () => {
  // The committed sample: every claim row must carry its number (issue 14: "the one number that decides it").
  const sample = load(join(import.meta.dirname, '../../../docs/sample-report/results.json'))

  it('gives every claim of the full sample run a deciding number', () => {
    const missing = buildSummary(sample).rows.filter((r) => !r.figure || r.figure === '–')
    expect(missing.map((r) => r.id)).toEqual([])
  })

  it('reads C7, C8, C9, storm and rotation from their raw data', () => {
    const fig = (id: string) => buildSummary(sample).rows.find((r) => r.id === id)?.figure ?? ''
    expect(fig('C7')).toMatch(
      /^strict rotation: attacker's access tokens ≤ \d+ per race \(3 races\), \d+ while the victim stayed away; family revoked in \d of \d, victim logged out in \d of \d$/,
    )
    expect(fig('C8')).toMatch(
      /^per 10,000 active users: ACCESS_TTL 30 s → 333\.3 refreshes\/s, [\d.]+ % of a core, stolen token usable ≤ 35 s; 3600 s → 2\.8\/s, /,
    )
    expect(fig('C9')).toMatch(
      /^JWT with \d+ → \d+ B of claims \(\d+ → \d+ B per request\): \d+ → \d+ µs server CPU\/req, \d+ → \d+ req\/s$/,
    )
    expect(fig('storm')).toMatch(
      /^refreshes asked for when the tokens expired: peak \d+\/s without jitter, \d+\/s with \d+ s of jitter; failed: \d+$/,
    )
    expect(fig('rotation')).toMatch(
      /^failed requests across the key rotation: \d+ of [\d,]+ \(3 algorithms\); the JWKS verifier took the new key after/,
    )
  })
})

describe('review A: deciding numbers and the choose rules', () => {
  it('keeps the in-process deciding number of a variant that was invalid over HTTP only (A7)', () => {
    const r = load(COMMITTED)
    const oh = r.experiments.find((e) => e.id === 'overhead')!
    const http = (oh.raw as { variants: { id: string; valid: boolean }[] }).variants
    http.find((v) => v.id === 'stateful-sqlite')!.valid = false
    const c1 = row(r, 'C1')
    // Decided per store since session 11 (the sample measured Redis too): SQLite refuted, Redis supported.
    expect(c1.state).toBe('mixed')
    expect(c1.verdict).toBe('◐ mixed: (local SQLite) refuted · (Redis) supported')
    expect(c1.figure).toMatch(/SQLite session \+\d+ µs/)
  })

  it("C9's deciding number carries the rounds' range when the sweep had rounds", () => {
    const r = load(COMMITTED)
    const size = r.experiments.find((e) => e.id === 'size')!
    const pts = (size.raw as { measurement: { points: Record<string, unknown>[] } }).measurement.points
    for (const p of pts)
      p.cpuUsByRound = [Number(p.cpuUsPerReq) - 10, Number(p.cpuUsPerReq), Number(p.cpuUsPerReq) + 20]
    expect(row(r, 'C9').figure).toMatch(/^JWT with .*: \d+ \(\d+–\d+\) → \d+ \(\d+–\d+\) µs server CPU\/req/)
  })

  it('prints a negative added cost with one sign (A9)', () => {
    expect(us({ median: -3, min: -5, max: -1 })).toBe('−3 µs (−5 to −1)')
    expect(us({ median: 2, min: -1, max: 4 })).toBe('+2 µs (−1 to 4)')
    expect(us({ median: 116, min: 102, max: 129 })).toBe('+116 µs (102–129)')
  })

  it('a refuted C3 failover sub-verdict stops the "share one session store" advice (A8)', () => {
    const r = load(COMMITTED)
    const lb = r.experiments.find((e) => e.id === 'lb')!
    const advice = (x: ResultsFile) => buildSummary(x).choose.sessions.some((t) => t.includes('(C3)'))
    expect(advice(r)).toBe(true)
    lb.verdicts = [
      { claim: 'C3 (sessions)', status: 'supported', text: 'x' },
      { claim: 'C3 (JWT)', status: 'mixed', text: 'x' },
      { claim: 'C3 (failover, central store)', status: 'refuted', text: 'x' },
    ]
    expect(row(r, 'C3').state).toBe('mixed')
    expect(advice(r)).toBe(false)
    // The JWT advice rests on its own sub-verdict and still holds.
    expect(buildSummary(r).choose.jwt.some((t) => t.includes('(C3)'))).toBe(true)
  })
})

describe('inconclusive rows say which numbers overlapped (review R11)', () => {
  it('takes the reason from the rule that wrote the verdict', () => {
    expect(
      undecidedWhy(
        'Figures. Inconclusive: round 5: a 41.2 µs vs b 40.0 µs, within the spread 6.0 µs. Rerun with more rounds.',
      ),
    ).toBe('round 5: a 41.2 µs vs b 40.0 µs, within the spread 6.0 µs')
    expect(
      undecidedWhy("The JWT's sizes are not decided: only 1 paired round(s); at least 3 are needed. More."),
    ).toBe('only 1 paired round(s); at least 3 are needed')
    expect(undecidedWhy('No verdict: the run failed the noise guard')).toBeNull()
  })

  it('in the sample: C4 names its undecided part and the round that overlapped; C9 the rounds it lacked', () => {
    const r = load(COMMITTED)
    expect(row(r, 'C4').verdict).toMatch(
      /— \(local SQLite\) round \d: stateful-sqlite .* within the between-round spread/,
    )
    expect(row(r, 'C9').verdict).toMatch(/— only 1 paired round\(s\); at least 3 are needed/)
    expect(row(r, 'C10').verdict).toBe('✔ supported') // decided rows carry no reason
  })
})
