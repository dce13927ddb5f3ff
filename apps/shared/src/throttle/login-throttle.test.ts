import { describe, expect, it } from 'vitest'
import { manualClock } from '../clock.js'
import { LoginThrottle } from './login-throttle.js'

const opts = { maxFailuresPerUser: 5, maxFailuresPerIp: 20, windowSeconds: 900 }

describe('LoginThrottle', () => {
  it('blocks an account after 5 failures whatever the address, until they age out', () => {
    const clock = manualClock()
    const t = new LoginThrottle(opts, clock)
    for (let i = 0; i < 5; i++) {
      expect(t.check('alice', `10.0.0.${i}`).allowed).toBe(true)
      t.recordFailure('alice', `10.0.0.${i}`)
      clock.advance(1000)
    }
    const v = t.check('alice', '10.9.9.9')
    expect(v.allowed).toBe(false)
    if (!v.allowed) expect(v.retryAfterSeconds).toBe(900 - 5)
    expect(t.check('bob', '10.9.9.9').allowed).toBe(true)
    clock.advance(896_000) // the first failure leaves the window
    expect(t.check('alice', '10.9.9.9').allowed).toBe(true)
  })

  it('a success clears the account counter', () => {
    const t = new LoginThrottle(opts, manualClock())
    for (let i = 0; i < 4; i++) t.recordFailure('alice', 'ip')
    t.recordSuccess('alice')
    for (let i = 0; i < 4; i++) t.recordFailure('alice', 'ip')
    expect(t.check('alice', 'ip').allowed).toBe(true)
  })

  it('limits one address spraying many usernames', () => {
    const t = new LoginThrottle(opts, manualClock())
    for (let i = 0; i < 20; i++) t.recordFailure(`user${i}`, '192.0.2.1')
    expect(t.check('fresh-user', '192.0.2.1').allowed).toBe(false)
    expect(t.check('fresh-user', '192.0.2.2').allowed).toBe(true)
  })

  it('stays bounded in memory', () => {
    const t = new LoginThrottle({ ...opts, maxKeys: 100 }, manualClock())
    for (let i = 0; i < 1000; i++) t.recordFailure(`u${i}`, `ip${i}`)
    // The oldest keys were evicted, so an early name has no failures left on record.
    for (let i = 0; i < 4; i++) t.recordFailure('u0', 'x')
    expect(t.check('u0', 'y').allowed).toBe(true)
  })
})
