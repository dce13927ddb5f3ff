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

describe('LoginThrottle reservations (concurrent attempts, issue 10 F1)', () => {
  it('counts attempts in flight: recorded + pending reaching the limit refuses the next one', () => {
    const t = new LoginThrottle(opts, manualClock())
    const held = []
    for (let i = 0; i < 5; i++) {
      const r = t.reserve('alice', `10.0.0.${i}`)
      expect(r.allowed).toBe(true)
      if (r.allowed) held.push(r.reservation)
    }
    const sixth = t.reserve('alice', '10.0.0.99')
    expect(sixth.allowed).toBe(false)
    if (!sixth.allowed) expect(sixth.retryAfterSeconds).toBe(1)
    expect(t.check('alice', '10.0.0.99').allowed).toBe(false)
    expect(t.pending('alice', '10.0.0.0')).toEqual({ user: 5, ip: 1 })
    for (const r of held) r.failure()
    expect(t.pending('alice', '10.0.0.0')).toEqual({ user: 0, ip: 0 })
    const after = t.reserve('alice', '10.0.0.99')
    expect(after.allowed).toBe(false)
    if (!after.allowed) expect(after.retryAfterSeconds).toBe(900) // now blocked by recorded failures
  })

  it('counts pending attempts per address too (spraying many names at once)', () => {
    const t = new LoginThrottle(opts, manualClock())
    let allowed = 0
    for (let i = 0; i < 100; i++) if (t.reserve(`user${i}`, '192.0.2.1').allowed) allowed++
    expect(allowed).toBe(opts.maxFailuresPerIp)
    expect(t.reserve('fresh', '192.0.2.2').allowed).toBe(true)
  })

  it('a released reservation counts nothing and frees its slot', () => {
    const t = new LoginThrottle(opts, manualClock())
    for (let i = 0; i < 5; i++) {
      const r = t.reserve('alice', 'ip')
      if (r.allowed) r.reservation.release()
    }
    expect(t.pending('alice', 'ip')).toEqual({ user: 0, ip: 0 })
    expect(t.check('alice', 'ip').allowed).toBe(true)
  })

  it('settles once: release after failure or success changes nothing, a second failure is not counted', () => {
    const t = new LoginThrottle(opts, manualClock())
    for (let i = 0; i < 4; i++) {
      const r = t.reserve('alice', 'ip')
      if (!r.allowed) throw new Error('refused')
      r.reservation.failure()
      r.reservation.failure()
      r.reservation.release()
    }
    expect(t.pending('alice', 'ip').user).toBe(0)
    expect(t.check('alice', 'ip').allowed).toBe(true) // 4 failures on record, not 8
    const ok = t.reserve('alice', 'ip')
    if (!ok.allowed) throw new Error('refused')
    ok.reservation.success()
    ok.reservation.failure()
    for (let i = 0; i < 4; i++) t.recordFailure('alice', 'ip2')
    expect(t.check('alice', 'ip3').allowed).toBe(true) // the success cleared the account's 4
  })

  it('releases in a finally block when the work throws', async () => {
    const t = new LoginThrottle(opts, manualClock())
    const attempt = async () => {
      const r = t.reserve('alice', 'ip')
      if (!r.allowed) return 'refused'
      try {
        await Promise.resolve()
        throw new Error('store failed')
      } finally {
        r.reservation.release()
      }
    }
    const results = await Promise.allSettled(Array.from({ length: 20 }, attempt))
    expect(results.every((r) => r.status === 'rejected')).toBe(false) // some were refused while others were pending
    expect(t.pending('alice', 'ip')).toEqual({ user: 0, ip: 0 })
    expect(t.check('alice', 'ip').allowed).toBe(true)
  })
})
