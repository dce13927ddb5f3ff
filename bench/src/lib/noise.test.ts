import { spawn } from 'node:child_process'
import { describe, expect, it } from 'vitest'
import {
  GuardBudget,
  hostSpeed,
  hostSpeedLine,
  judgeNoise,
  NoiseSampler,
  noiseLimits,
  parseProcStat,
  publicDrifts,
  publicReference,
  roundNoise,
  summarizeNoise,
} from './noise.js'

const stat = (cpu0: number[], cpu1: number[], running = 1) => {
  const sum = cpu0.map((x, i) => x + cpu1[i]!)
  return parseProcStat(
    [
      `cpu  ${sum.join(' ')}`,
      `cpu0 ${cpu0.join(' ')}`,
      `cpu1 ${cpu1.join(' ')}`,
      `procs_running ${running}`,
    ].join('\n'),
  )
}

describe('noise guard arithmetic', () => {
  it('parses /proc/stat: busy includes steal, idle includes iowait, interrupts apart', () => {
    const s = stat([100, 0, 50, 800, 10, 3, 7, 5], [10, 0, 10, 900, 0, 0, 0, 0], 3)
    expect(s.perCpu[0]).toEqual({ busy: 155, idle: 810, steal: 5, irq: 10 })
    expect(s.total.busy).toBe(175)
    expect(s.total.irq).toBe(10)
    expect(s.procsRunning).toBe(3)
  })

  it('other work = machine busy − own CPU; flagged over the limit, quiet under it', () => {
    // 1 s at 100 ticks/s: core 0 fully busy (ours), core 1 busy 60 % (someone else).
    const a = stat([0, 0, 0, 0, 0, 0, 0, 0], [0, 0, 0, 0, 0, 0, 0, 0])
    const b = stat([100, 0, 0, 0, 0, 0, 0, 0], [60, 0, 0, 40, 0, 0, 0, 0])
    const n = roundNoise(a, b, 1, 1_000_000, [2, 3], { cpu: 0, ownCpuUs: 1_000_000 })
    expect(n.otherCores).toBeCloseTo(0.6)
    expect(n.otherOnPinnedCore).toBeCloseTo(0)
    expect(n.irqCores).toBe(0)
    expect(judgeNoise(n, noiseLimits('inprocess'))).toHaveLength(1)
    const quiet = roundNoise(
      a,
      stat([100, 0, 0, 0, 0, 0, 0, 0], [2, 0, 0, 98, 0, 0, 0, 0]),
      1,
      1_000_000,
      [2],
      null,
    )
    expect(judgeNoise(quiet, noiseLimits('http'))).toEqual([])
  })

  it('softirq time (own loopback traffic) is recorded apart, not counted as other work', () => {
    const a = stat([0, 0, 0, 0, 0, 0, 0, 0], [0, 0, 0, 0, 0, 0, 0, 0])
    const b = stat([80, 0, 0, 0, 0, 0, 20, 0], [70, 0, 0, 25, 0, 0, 5, 0])
    const n = roundNoise(a, b, 1, 1_500_000, [3], { cpu: 0, ownCpuUs: 800_000 })
    expect(n.irqCores).toBeCloseTo(0.25)
    expect(n.otherCores).toBeCloseTo(0)
    expect(n.otherOnPinnedCore).toBeCloseTo(0)
    expect(judgeNoise(n, noiseLimits('http'))).toEqual([])
  })

  it('flags a real busy loop of another process (synthetic interference)', async () => {
    // A child spinning for ~1.2 s on a core the sampler does not count as its own.
    const spinner = spawn(process.execPath, ['-e', 'const t = Date.now(); while (Date.now() - t < 1200) {}'])
    await new Promise((r) => setTimeout(r, 100))
    const sampler = new NoiseSampler(() => {
      const u = process.cpuUsage()
      return u.user + u.system
    })
    await new Promise((r) => setTimeout(r, 800))
    const n = sampler.stop()
    await new Promise((r) => spinner.once('exit', r))
    expect(n.otherCores).toBeGreaterThan(0.5)
    expect(judgeNoise(n, noiseLimits('http')).join(' ')).toMatch(/other work/)
  })
})

describe("the guard's verdict over a run (summarizeNoise)", () => {
  // 18 workers × 5 in-process rounds + 18 servers × 3 HTTP rounds = 144 rounds, as in a full run.
  const run = (overrides: Record<string, { reasons: string[]; rerun: boolean; skipped?: boolean }> = {}) => {
    const out = []
    for (const [layer, rounds] of [
      ['in-process', 5],
      ['http', 3],
    ] as const)
      for (let g = 0; g < 18; g++)
        for (let r = 1; r <= rounds; r++) {
          const label = `round ${r} w${g}`
          const o = overrides[`${layer} ${label}`] ?? { reasons: [], rerun: false }
          out.push({
            layer,
            group: `w${g}`,
            label,
            ...o,
          })
        }
    return out
  }
  const limits = { inprocess: noiseLimits('inprocess'), http: noiseLimits('http') }
  const again = { reasons: ['other work 0.30 cores > 0.25'], rerun: true }

  it('passes a quiet run, and one whose re-runs all came back quiet', () => {
    expect(summarizeNoise(run(), limits).passed).toBe(true)
    const r = summarizeNoise(run({ 'in-process round 2 w3': { reasons: [], rerun: true } }), limits)
    expect(r).toMatchObject({ passed: true, rerun: 1, stillNoisy: 0, failures: [] })
  })

  it('leaves out a round noisy again after its re-run, and passes while each worker keeps all but one round', () => {
    const r = summarizeNoise(
      run({ 'in-process round 1 w0': again, 'in-process round 2 w1': again, 'http round 3 w1': again }),
      limits,
    )
    expect(r).toMatchObject({ passed: true, rounds: 144, rerun: 3, stillNoisy: 3, notRerun: 0 })
    expect(r.flagged).toHaveLength(3)
    expect(r.flagged[0]).toMatch(/round 1 w0: other work .*left out/)
  })

  it('fails when one worker loses two rounds of a layer', () => {
    const r = summarizeNoise(run({ 'in-process round 1 w4': again, 'in-process round 4 w4': again }), limits)
    expect(r.passed).toBe(false)
    expect(r.failures?.join(' ')).toMatch(/in-process w4 lost 2 rounds/)
  })

  it('fails when more than 5 % of all rounds are left out, even one per worker', () => {
    const eight = Object.fromEntries(Array.from({ length: 8 }, (_, g) => [`in-process round 3 w${g}`, again]))
    const r = summarizeNoise(run(eight), limits)
    expect(r.passed).toBe(false)
    expect(r.failures?.join(' ')).toMatch(/8 of 144 rounds left out \(at most 7, 5 %\)/)
    expect(summarizeNoise(run(Object.fromEntries(Object.entries(eight).slice(0, 7))), limits).passed).toBe(
      true,
    )
  })

  it('counts a re-run skipped after the guard failed as kept, not as a reason of its own', () => {
    const r = summarizeNoise(
      run({
        'in-process round 1 w4': again,
        'in-process round 4 w4': again,
        'http round 1 w2': { reasons: ['steal 3.0 % > 2 %'], rerun: false, skipped: true },
      }),
      limits,
    )
    expect(r).toMatchObject({ passed: false, notRerun: 1, skipped: 1, stillNoisy: 2 })
    expect(r.failures).toEqual(['in-process w4 lost 2 rounds (at most 1 may be left out)'])
    expect(r.flagged.find((f) => f.includes('http round 1 w2'))).toMatch(/already failed the guard; kept/)
  })

  it('fails a run with a noisy round it could not re-run (--quick)', () => {
    const r = summarizeNoise(
      run({ 'http round 1 w2': { reasons: ['steal 3.0 % > 2 %'], rerun: false } }),
      limits,
    )
    expect(r).toMatchObject({ passed: false, notRerun: 1, stillNoisy: 0 })
  })
})

describe('the GET /public control', () => {
  const quiet = () => {
    const s = stat([100, 0, 0, 900, 0, 0, 0, 0], [100, 0, 0, 900, 0, 0, 0, 0])
    return roundNoise(s, s, 1, 0, [2], null)
  }

  it('takes the lower quartile of the visits as the reference: a slow mode in a third of them does not move it', () => {
    // Run H1's shape: most visits near 16.4 µs, a third in the host's slow mode near 25 µs.
    const visits = [
      ...Array.from({ length: 40 }, (_, i) => 16_000 + i * 20),
      ...Array.from({ length: 20 }, () => 25_000),
    ]
    expect(publicReference(visits)).toBe(16_280)
    expect(publicReference([1, 2, 3])).toBeNull()
  })

  it('flags a visit whose /public ran more than 15 % above the reference in-process, 35 % over HTTP', () => {
    const slow = { ...quiet(), publicDrift: 0.52 }
    expect(judgeNoise(slow, noiseLimits('inprocess'))).toEqual([
      "GET /public 52 % slower than the run's reference > 15 %",
    ])
    expect(judgeNoise({ ...quiet(), publicDrift: 0.13 }, noiseLimits('inprocess'))).toEqual([])
    expect(judgeNoise({ ...quiet(), publicDrift: null }, noiseLimits('inprocess'))).toEqual([])
    expect(judgeNoise(slow, noiseLimits('http'))).toEqual([
      "GET /public 52 % slower than the run's reference > 35 %",
    ])
    // HTTP server CPU per request is coarser: a quiet visit +25 % above the lower quartile is not flagged.
    expect(judgeNoise({ ...quiet(), publicDrift: 0.25 }, noiseLimits('http'))).toEqual([])
  })

  it('judges app visits against the apps and the floor against itself, re-runs against the same references', () => {
    // Run J1's HTTP shape: app servers' /public at 60–70 µs CPU per request when quiet, 105–246 in a slow spell; the
    // floor's lighter /public at 58–66.
    type V = { group: string; pub: number | undefined }
    const firsts: V[] = [
      ...[62, 64, 60, 70, 67, 63, 68, 61].map((pub, i) => ({ group: `app-${i}`, pub })),
      ...[106, 246, 190].map((pub, i) => ({ group: `slow-${i}`, pub })),
      { group: 'floor', pub: 58 },
      { group: 'floor', pub: 66 },
    ]
    const drift = publicDrifts(
      firsts,
      (v) => v.group === 'floor',
      (v) => v.pub,
    )
    const limits = noiseLimits('http')
    const flagged = firsts.filter((v) => judgeNoise({ ...quiet(), publicDrift: drift(v) }, limits).length > 0)
    expect(flagged.map((v) => v.group)).toEqual(['slow-0', 'slow-1', 'slow-2'])
    // The floor has fewer than 4 visits of its own: no reference, so it is not judged on /public.
    expect(drift({ group: 'floor', pub: 500 })).toBeNull()
    // A re-run of a slow visit that came back at 66 µs is judged against the same app reference, and passes.
    // (the apps' reference: the lower quartile of their 11 first visits, 62 µs).
    expect(drift({ group: 'slow-1', pub: 66 })).toBeCloseTo(66 / 62 - 1, 5)
    expect(drift({ group: 'app-0', pub: undefined })).toBeNull()
    // A failed run (server gone: NaN CPU per request) is neither judged nor part of the reference.
    const withFailure = publicDrifts(
      [...firsts, { group: 'app-x', pub: Number.NaN }],
      (v) => v.group === 'floor',
      (v) => v.pub,
    )
    expect(withFailure({ group: 'app-x', pub: Number.NaN })).toBeNull()
    expect(withFailure({ group: 'app-0', pub: 62 })).toBeCloseTo(0, 5)
  })
})

describe('GuardBudget', () => {
  const limits = { inprocess: noiseLimits('inprocess'), http: noiseLimits('http') }

  it('is exhausted once more rounds are left out than 5 % of the planned ones', () => {
    const g = new GuardBudget(126) // floor(126 × 0.05) = 6
    for (let i = 0; i < 6; i++) g.leftOut()
    expect(g.exhausted).toBe(false)
    g.leftOut()
    expect(g.exhausted).toBe(true)
  })

  it('is exhausted only in a run summarizeNoise fails (its share is of the planned rounds, ≥ the judged ones)', () => {
    const judged = (leftOut: number) =>
      Array.from({ length: 144 }, (_, i) => ({
        layer: 'in-process',
        group: `w${i % 18}`,
        label: `round ${i} w${i % 18}`,
        reasons: i < leftOut ? ['noisy'] : [],
        rerun: i < leftOut,
      }))
    for (const n of [7, 8]) {
      const g = new GuardBudget(144)
      for (let i = 0; i < n; i++) g.leftOut()
      expect(g.exhausted).toBe(n > 7)
      expect(summarizeNoise(judged(n), limits).passed).toBe(n <= 7)
    }
  })
})

describe('host speed over a run (hostSpeed)', () => {
  it('finds the slow spells of a two-speed host against its fastest quarter', () => {
    // 2026-12-01's host: a third of the visits at ~2.1 ms, the rest at ~3.6 ms.
    const cals = [
      ...Array.from({ length: 10 }, (_, i) => 2.1e6 + i * 1e4),
      ...Array.from({ length: 20 }, (_, i) => 3.6e6 + i * 1e4),
    ]
    const s = hostSpeed(cals)!
    expect(s.visits).toBe(30)
    expect(s.q25Ns).toBeGreaterThanOrEqual(2.1e6)
    expect(s.q25Ns).toBeLessThan(2.2e6)
    expect(s.medianNs).toBeGreaterThanOrEqual(3.6e6)
    expect(s.maxNs).toBe(3.79e6)
    expect(s.slow).toBe(20)
    const line = hostSpeedLine(s)
    expect(line).toContain('20 of 30 ran more than 20 % slower than the fastest quarter')
    expect(line).toMatch(
      /^Host speed .*: 2\.1\d ms in the fastest quarter of 30 visits, median 3\.6\d ms, slowest 3\.79 ms/,
    )
  })

  it('counts none on a steady host, and uses the limit it is given', () => {
    const steady = Array.from({ length: 20 }, (_, i) => 1.67e6 * (1 + (i % 5) * 0.03))
    expect(hostSpeed(steady)!.slow).toBe(0)
    expect(hostSpeedLine(hostSpeed(steady)!)).toContain('none ran more than 20 % slower')
    expect(hostSpeed(steady, 0.05)!.slow).toBeGreaterThan(0)
  })

  it('needs four calibrated visits, and ignores missing or broken values', () => {
    expect(hostSpeed([2e6, 2e6, 2e6])).toBeNull()
    expect(hostSpeed([2e6, Number.NaN, 0, 2e6, 2e6])).toBeNull()
    expect(hostSpeed([2e6, Number.NaN, 2e6, 2e6, 3e6])!.visits).toBe(4)
  })
})
