import { describe, expect, it } from 'vitest'
import type { Gate } from '../../lib/evidence.js'
import { summarize } from '../../lib/stats.js'
import type { Ev } from './verdicts.js'
import { decompose, verdictC1, verdictC4, verdictDecomposition } from './verdicts.js'

const ev = (id: string, byRound: number[], pub = 30): Ev => ({
  id,
  family: id.startsWith('floor') ? 'floor' : id.startsWith('stateful') ? 'stateful' : 'stateless',
  byRound,
  added: summarize(byRound)!,
  total: summarize(byRound.map((x) => x + pub))!,
  publicUs: summarize(byRound.map(() => pub))!,
  httpRatio: null,
  httpCpuAdded: null,
  readsPerReq: null,
})
const open: Gate = { smoke: false, noisePassed: true, source: 'in-process' }

describe('overhead verdicts from in-process evidence', () => {
  const jwtDear = [ev('stateless-hs256-none', [52, 50, 51]), ev('stateful-sqlite', [20, 21, 19])]

  it('C1 refuted when the JWT path costs more in every round beyond the spread', () => {
    expect(verdictC1(jwtDear, open)[0]?.status).toBe('refuted')
  })

  it('C1 inconclusive with the same medians when one round overlaps (counterfactual)', () => {
    const overlap = [ev('stateless-hs256-none', [52, 22, 51]), ev('stateful-sqlite', [20, 21, 19])]
    const [v] = verdictC1(overlap, open)
    expect(v?.status).toBe('inconclusive')
    expect(v?.text).toContain('round 2')
  })

  it('no badge in a smoke run, inconclusive in a noisy run, same figures in both', () => {
    const [smoke] = verdictC1(jwtDear, { ...open, smoke: true })
    expect(smoke?.status).toBeUndefined()
    expect(smoke?.text).toMatch(/^Smoke run/)
    const [noisy] = verdictC1(jwtDear, { ...open, noisePassed: false })
    expect(noisy?.status).toBe('inconclusive')
    expect(noisy?.text).toContain('+51.0 µs')
  })

  it('C4 refuted as "no measurable overhead" when both stay within the tolerance', () => {
    const close = [ev('stateful-sqlite', [20, 20.4, 20.2]), ev('stateful-memory', [20.1, 20.3, 20.2])]
    const [v] = verdictC4(close, open)
    expect(v?.claim).toBe('C4')
    expect(v?.status).toBe('refuted')
    expect(v?.text).toContain('No measurable overhead')
  })

  it('C1 and C4 are decided per store when the run measured Redis too (review R1): local SQLite and Redis apart', () => {
    const evs = [
      ev('stateless-hs256-none', [66, 64, 68]),
      ev('stateful-sqlite', [41, 40, 42]),
      ev('stateful-memory', [40, 41, 40.5]),
      ev('stateful-redis', [197, 190, 229]),
    ]
    const c1 = verdictC1(evs, open)
    expect(c1.map((v) => [v.claim, v.status])).toEqual([
      ['C1 (local SQLite)', 'refuted'],
      ['C1 (Redis)', 'supported'],
    ])
    expect(c1[1]?.text).toContain('round trip')
    const c4 = verdictC4(evs, open)
    expect(c4.map((v) => v.claim)).toEqual(['C4 (local SQLite)', 'C4 (Redis)'])
    expect(c4[1]?.status).toBe('supported')
    expect(c4[0]?.status).toBe('refuted') // 41 vs 40.5 µs: every round within the 5 % tolerance (no measurable overhead)
    // A noisy run decides neither store.
    expect(verdictC1(evs, { ...open, noisePassed: false }).map((v) => v.status)).toEqual([
      'inconclusive',
      'inconclusive',
    ])
  })

  it('decomposes into framework, app base, mechanism, library and our code per round', () => {
    const evs = [
      ev('floor-hmac', [5, 5, 5], 20),
      ev('floor-jose', [40, 41, 39], 20),
      ev('stateless-hs256-none', [45, 47, 44], 25),
    ]
    const [d] = decompose(evs)
    expect(d).toMatchObject({
      id: 'stateless-hs256-none',
      framework: 20,
      appBase: 5,
      mechanism: 5,
      library: 35,
    })
    expect(d!.ourCode).toMatchObject({ median: 5, min: 5, max: 6 })
    expect(verdictDecomposition([d!], open).text).toContain('our code')
  })

  it("keeps hono-sessions in the Redis session variant's library floor (a signed floor: hs-memory − map + redis)", () => {
    const evs = [
      ev('floor-map', [1, 1, 1], 20),
      ev('floor-sqlite', [18, 18, 18], 20),
      ev('floor-redis', [60, 62, 61], 20),
      ev('floor-hs-memory', [10, 10, 11], 20),
      ev('stateful-redis', [100, 101, 103], 22),
    ]
    const [d] = decompose(evs)
    // mechanism = redis + sqlite; library floor = hs-memory − map + redis + sqlite (hono-sessions' share: 9-10 µs)
    expect(d).toMatchObject({ id: 'stateful-redis', mechanism: 79, library: 9 })
    expect(d!.librarySource).toBe('floor-hs-memory − floor-map + floor-redis + floor-sqlite')
    expect(d!.ourCode).toMatchObject({ median: 13, min: 12, max: 14 }) // 100 − 87, 101 − 89, 103 − 89
  })
})
