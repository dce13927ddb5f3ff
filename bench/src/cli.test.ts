import { describe, expect, it } from 'vitest'
import { parseCli } from './cli.js'
import { SCENARIO_IDS } from './scenarios/registry.js'

const NOW = new Date('2026-11-25T12:00:05.123Z')

describe('parseCli', () => {
  it('defaults to every registered scenario, pinned, under reports/<run-id>', () => {
    const r = parseCli([], NOW)
    if (r === 'help') throw new Error('unexpected help')
    expect(r.runId).toBe('2026-11-25T12-00-05Z')
    expect(r.options.scenarios).toEqual(SCENARIO_IDS)
    expect(r.options).toMatchObject({ quick: false, pin: true, serial: false })
    expect(r.options.durationSec).toBeUndefined()
    expect(r.options.outDir).toMatch(/reports\/2026-11-25T12-00-05Z$/)
  })

  it('reads every flag', () => {
    const r = parseCli(
      [
        '--quick',
        '--scenario',
        'overhead',
        '--duration',
        '2',
        '--connections',
        '8',
        '--rounds',
        '3',
        '--variants',
        'stateful-sqlite,floor-hmac',
        '--no-pin',
        '--serial',
      ],
      NOW,
    )
    if (r === 'help') throw new Error('unexpected help')
    expect(r.runId).toBe('2026-11-25T12-00-05Z-quick')
    expect(r.options).toMatchObject({
      quick: true,
      scenarios: ['overhead'],
      durationSec: 2,
      connections: 8,
      rounds: 3,
      variants: ['stateful-sqlite', 'floor-hmac'],
      pin: false,
      serial: true,
    })
  })

  it('refuses unknown scenarios, bad numbers and unknown flags; --help is help', () => {
    expect(() => parseCli(['--scenario', 'nope'], NOW)).toThrow(/unknown scenario/)
    expect(() => parseCli(['--duration', '0'], NOW)).toThrow(/positive/)
    expect(() => parseCli(['--bogus'], NOW)).toThrow()
    expect(parseCli(['--help'], NOW)).toBe('help')
  })
})
