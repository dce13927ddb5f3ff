import { describe, expect, it } from 'vitest'
import type { Sample } from './measure.js'
import { summarizeVariants } from './summary.js'
import { decompose, verdictC1, verdictC4, verdictC10, verdictC12 } from './verdicts.js'

/** A synthetic run: only the fields the summary reads matter. */
function sample(
  group: string,
  target: string,
  round: number,
  rps: number,
  cpu: number,
  extra: Partial<Sample> = {},
): Sample {
  return {
    round,
    position: 0,
    group,
    target,
    path: target.endsWith(':public') ? '/public' : '/me',
    rps,
    responses: Math.round(rps * 3),
    ok2xx: Math.round(rps * 3),
    non2xx: 0,
    errors: 0,
    timeouts: 0,
    statusCounts: { '200': Math.round(rps * 3) },
    latencyMs: { p50: 2, p97_5: 5, p99: 7, mean: 2.5, max: 20 },
    durationSec: 3,
    cpuUsPerReq: cpu,
    readsPerReq: target.endsWith(':public') ? 0 : 1,
    writesPerReq: 0,
    storeOps: {},
    credentialBytes: target.endsWith(':public') ? 0 : 60,
    ...extra,
  }
}

/** Three rounds of one server: baseline and /me, with per-round throughputs. */
function server(
  id: string,
  base: number[],
  me: number[],
  baseCpu: number,
  meCpu: number | number[],
): Sample[] {
  const cpuAt = (i: number) => (Array.isArray(meCpu) ? meCpu[i]! : meCpu)
  return base.flatMap((b, i) => [
    sample(id, `${id}:public`, i + 1, b, baseCpu),
    sample(id, id, i + 1, me[i]!, cpuAt(i)),
  ])
}

const info = (id: string, group = id) => ({ id, group, label: 'GET /me', description: id })

describe('summarizeVariants', () => {
  it('pairs each round with the same round of its own baseline and takes medians with min–max', () => {
    const samples = server('stateful-sqlite', [20_000, 10_000, 16_000], [10_000, 6_000, 8_000], 50, 90)
    const [v] = summarizeVariants(samples, [info('stateful-sqlite')], 3)
    expect(v!.valid).toBe(true)
    // ratios per round: 0.5, 0.6, 0.5 → median 0.5; a cross-round median ratio (8000/16000) would hide the pairing.
    expect(v!.ratioByRound).toEqual([0.5, 0.6, 0.5])
    expect(v!.ratio).toMatchObject({ median: 0.5, min: 0.5, max: 0.6 })
    expect(v!.rps).toMatchObject({ median: 8000, min: 6000, max: 10_000 })
    expect(v!.cpuAddedUs?.median).toBe(40)
    expect(v!.addedUs?.median).toBeCloseTo(1e6 / 8000 - 1e6 / 16_000) // round 3's pair: 62.5 µs
    expect(v!.readsPerReq).toBe(1)
    expect(v!.credentialBytes).toBe(60)
  })

  it('marks a variant invalid when any of its runs had a non-2xx, and reports no numbers for it', () => {
    const samples = server('stateless-hs256-none', [20_000, 20_000], [9000, 9000], 50, 120)
    samples[3] = { ...samples[3]!, non2xx: 25, statusCounts: { '200': 100, '401': 25 } }
    const [v] = summarizeVariants(samples, [info('stateless-hs256-none')], 2)
    expect(v!.valid).toBe(false)
    expect(v!.reason).toContain('401×25')
    expect(v!.ratio).toBeNull()
    expect(v!.rps).toBeNull()
    expect(v!.ratioByRound).toEqual([null, null])
    expect(v!.non2xx).toBe(25)
  })

  it('marks every variant of a server invalid when its baseline failed', () => {
    const samples = [
      sample('floor', 'floor:public', 1, 20_000, 50, { errors: 3 }),
      sample('floor', 'floor-map', 1, 18_000, 55),
      sample('floor', 'floor-hmac', 1, 12_000, 80),
    ]
    const vs = summarizeVariants(samples, [info('floor-map', 'floor'), info('floor-hmac', 'floor')], 1)
    expect(vs.map((v) => v.valid)).toEqual([false, false])
    expect(vs[0]!.reason).toContain('baseline')
  })
})

describe('decomposition and verdicts', () => {
  const rounds = 3
  const all = [
    ...server('stateful-memory', [20_000, 20_000, 20_000], [17_000, 17_500, 16_500], 50, 62),
    ...server('stateful-sqlite', [20_000, 20_000, 20_000], [11_000, 11_500, 10_500], 50, 88),
    ...server('stateless-hs256-none', [20_000, 20_000, 20_000], [8000, 8200, 7800], 50, 128),
    ...server('stateless-hs256-denylist', [20_000, 20_000, 20_000], [6500, 6600, 6400], 50, 160),
    ...server('stateless-es256', [20_000, 20_000, 20_000], [5000, 5100, 4900], 50, 230),
    ...[1, 2, 3].flatMap((r) => [
      sample('floor', 'floor:public', r, 22_000, 45),
      sample('floor', 'floor-map', r, 21_000, 46),
      sample('floor', 'floor-sqlite', r, 14_000, 70),
      sample('floor', 'floor-hmac', r, 13_000, 75),
    ]),
  ]
  const ids = [
    'stateful-memory',
    'stateful-sqlite',
    'stateless-hs256-none',
    'stateless-hs256-denylist',
    'stateless-es256',
  ]
  const vs = summarizeVariants(
    all,
    [
      ...ids.map((id) => info(id)),
      info('floor-map', 'floor'),
      info('floor-sqlite', 'floor'),
      info('floor-hmac', 'floor'),
    ],
    rounds,
  )

  it('splits CPU into framework (floor /public), app base, mechanism (floor route) and the rest', () => {
    const d = decompose(vs).find((x) => x.id === 'stateful-sqlite')!
    expect(d).toMatchObject({
      framework: 45,
      appBase: 5,
      mechanism: 25,
      library: 13,
      total: 88,
      mechanismSource: 'floor-sqlite',
    })
    const es = decompose(vs).find((x) => x.id === 'stateless-es256')!
    expect(es.mechanism).toBeNull()
  })

  it('computes the claims from the numbers', () => {
    // SQLite session keeps ~0.55, jose HS256 ~0.4: skipping the lookup does not make the JWT faster.
    expect(verdictC1(vs).status).toBe('refuted')
    expect(verdictC4(vs).status).toBe('supported')
    expect(verdictC10(vs).status).toBe('supported')
    expect(verdictC12(vs).status).toBe('supported')
    expect(verdictC1(vs).text).toContain('0.55×') // the SQLite session's throughput ratio is quoted
    expect(verdictC1(vs).text).toContain('+78 µs CPU/req') // jose HS256: 128 − 50
  })

  it('decides on server CPU per round: inconclusive when rounds disagree, a verdict when they agree', () => {
    const base = [20_000, 20_000, 20_000, 20_000, 20_000]
    const me = [10_000, 10_000, 10_000, 10_000, 10_000]
    const run = (jwtCpu: number[], sqlCpu: number[]) =>
      verdictC1(
        summarizeVariants(
          [
            ...server('stateful-sqlite', base, me, 50, sqlCpu),
            ...server('stateless-hs256-none', base, me, 50, jwtCpu),
          ],
          [info('stateful-sqlite'), info('stateless-hs256-none')],
          5,
        ),
      )
    // Medians differ by > 10%, but two of five rounds go the other way: not decided.
    expect(run([140, 80, 150, 70, 160], [90, 100, 85, 95, 90]).status).toBe('inconclusive')
    // The JWT path dearer in 5 of 5 rounds: the claim is refuted.
    expect(run([190, 200, 195, 185, 210], [90, 100, 85, 95, 90]).status).toBe('refuted')
    // Cheaper in 4 of 5 rounds and by > 10%: supported.
    expect(run([60, 65, 95, 62, 61], [90, 100, 85, 95, 90]).status).toBe('supported')
  })

  it('leaves a claim unanswered when a variant it needs is invalid', () => {
    const broken = vs.map((v) => (v.id === 'stateful-sqlite' ? { ...v, valid: false, ratio: null } : v))
    expect(verdictC1(broken).status).toBe('inconclusive')
    expect(verdictC1(broken).text).toContain('stateful-sqlite')
  })
})
