import { describe, expect, it } from 'vitest'
import type { Sample } from './measure.js'
import { summarizeVariants } from './summary.js'

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
