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

describe('size section (C9)', () => {
  it('supports C9 when the big token costs clearly more, refutes it when it costs the same', () => {
    const costly: SizeMeasurement = {
      points: [p('stateless', 0, 100, 5000), p('stateless', 8192, 160, 3500)],
      probe,
    }
    expect(sizeVerdicts(costly)[0]?.status).toBe('supported')
    expect(sizeVerdicts(costly)[0]?.text).toContain('refused with 431')
    const flat: SizeMeasurement = {
      points: [p('stateless', 0, 100, 5000), p('stateless', 8192, 104, 4900)],
      probe,
    }
    expect(sizeVerdicts(flat)[0]?.status).toBe('refuted')
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
