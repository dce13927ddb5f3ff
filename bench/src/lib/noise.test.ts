import { spawn } from 'node:child_process'
import { describe, expect, it } from 'vitest'
import { judgeNoise, NoiseSampler, noiseLimits, parseProcStat, roundNoise } from './noise.js'

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
