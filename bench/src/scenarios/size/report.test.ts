import { describe, expect, it } from 'vitest'
import type { SizeMeasurement, SizePoint } from './measure.js'
import { sizeInvalid, sizeTable, sizeVerdicts } from './report.js'

const p = (
  app: SizePoint['app'],
  padBytes: number,
  cpu: number,
  rps: number,
  extra: Partial<SizePoint> = {},
): SizePoint => ({
  app,
  config: app === 'stateless' ? 'stateless-hs256-none' : 'stateful-sqlite',
  padBytes,
  credentialChars: app === 'stateless' ? 390 + Math.ceil((padBytes * 4) / 3) : 43,
  dataBytes: app === 'stateless' ? 200 + padBytes : padBytes,
  requestBytes: app === 'stateless' ? 415 + Math.ceil((padBytes * 4) / 3) : 57,
  rps,
  responses: rps * 3,
  non2xx: 0,
  errors: 0,
  cpuUsPerReq: cpu,
  p99Ms: 5,
  ...extra,
})
const probe = { padBytes: 12_288, requestBytes: 16_800, status: 431 as const }

/** A point measured in rounds: its median and per-round CPU. */
const r = (app: SizePoint['app'], padBytes: number, cpus: number[], rps = 4000): SizePoint =>
  p(app, padBytes, [...cpus].sort((a, b) => a - b)[Math.floor(cpus.length / 2)] as number, rps, {
    cpuUsByRound: cpus,
  })

describe('size section (C9)', () => {
  it('supports C9 only when both payloads cost more than the spread in every round', () => {
    const costly: SizeMeasurement = {
      points: [
        r('stateless', 0, [100, 102, 101]),
        r('stateless', 8192, [160, 158, 163]),
        r('stateful', 0, [90, 91, 92]),
        r('stateful', 8192, [120, 118, 121]),
      ],
      probe,
    }
    expect(sizeVerdicts(costly)[0]?.status).toBe('supported')
    expect(sizeVerdicts(costly)[0]?.text).toContain('refused with 431')
    // The JWT costs more, the session's row does not: the claim holds for one payload only.
    const jwtOnly: SizeMeasurement = {
      points: [
        r('stateless', 0, [100, 102, 101]),
        r('stateless', 8192, [160, 158, 163]),
        r('stateful', 0, [90, 91, 90.5]),
        r('stateful', 8192, [90.5, 91, 90]),
      ],
      probe,
    }
    expect(sizeVerdicts(jwtOnly)[0]?.status).toBe('mixed')
    const flat: SizeMeasurement = {
      points: [
        r('stateless', 0, [100, 101, 100.5]),
        r('stateless', 8192, [101, 100, 101.5]),
        r('stateful', 0, [90, 91, 90.5]),
        r('stateful', 8192, [90.5, 91, 90]),
      ],
      probe,
    }
    expect(sizeVerdicts(flat)[0]?.status).toBe('refuted')
  })

  it('a host that drifts during the sweep decides nothing (review A2)', () => {
    // Both apps slowed ~2× in whichever visits the slow spells hit: the big padding is dearer in two rounds and
    // cheaper in one, so the difference never clears the between-round spread.
    const drift: SizeMeasurement = {
      points: [
        r('stateless', 0, [450, 1000, 450]),
        r('stateless', 8192, [1000, 470, 1000]),
        r('stateful', 0, [450, 990, 450]),
        r('stateful', 8192, [1000, 460, 990]),
      ],
      probe,
    }
    const [v] = sizeVerdicts(drift)
    expect(v?.status).toBe('inconclusive')
    expect(v?.text).toMatch(/not decided: round \d/)
  })

  it('a single pass (files from before the rounds) is no evidence', () => {
    const single: SizeMeasurement = {
      points: [p('stateless', 0, 100, 5000), p('stateless', 8192, 160, 3500)],
      probe,
    }
    expect(sizeVerdicts(single)[0]?.status).toBe('inconclusive')
    expect(sizeVerdicts(single)[0]?.text).toContain('only 1 paired round')
  })

  it('marks where the cookie limit and the app cap bite, and never uses a run with errors', () => {
    const m: SizeMeasurement = {
      points: [p('stateless', 0, 100, 5000), p('stateless', 4096, 120, 4000), p('stateful', 4096, 90, 6000)],
      probe,
    }
    const limits = sizeTable(m).rows.map((r) => r.at(-1))
    expect(limits[0]).toBe('fits')
    expect(limits[1]).toMatch(/browser cookie.*token cap/)
    expect(limits[2]).toMatch(/cookie stays 43/)
    const broken = {
      points: [p('stateless', 0, 100, 5000), p('stateless', 8192, 500, 10, { non2xx: 9 })],
      probe,
    }
    expect(sizeInvalid(broken)).toHaveLength(1)
    expect(sizeVerdicts(broken)).toEqual([])
  })
})
