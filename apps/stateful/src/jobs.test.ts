import { afterEach, describe, expect, it, vi } from 'vitest'
import { startJobs } from './jobs.js'
import { PASSWORDS, testApp } from './test-app.js'

afterEach(() => {
  vi.useRealTimers()
})

describe('startJobs', () => {
  it('purges expired sessions at once and every SESSION_PURGE_INTERVAL, until stopped', async () => {
    const t = await testApp({ env: { SESSION_IDLE_TTL: '600', SESSION_PURGE_INTERVAL: '30' } })
    await t.client().login('alice', PASSWORDS.alice)
    vi.useFakeTimers()
    t.clock.advance(601_000)
    const stop = startJobs(t.deps)
    expect(t.rows()).toBe(0) // the first run is immediate

    await t.client().login('alice', PASSWORDS.alice)
    t.clock.advance(601_000)
    vi.advanceTimersByTime(29_999)
    expect(t.rows()).toBe(1)
    vi.advanceTimersByTime(1)
    expect(t.rows()).toBe(0)

    stop()
    await t.client().login('alice', PASSWORDS.alice)
    t.clock.advance(601_000)
    vi.advanceTimersByTime(60_000)
    expect(t.rows()).toBe(1)
    expect(vi.getTimerCount()).toBe(0)
  })

  it('reports a failed purge to onUnexpected and keeps the timer running', async () => {
    let fail = true
    let runs = 0
    const t = await testApp({
      env: { SESSION_PURGE_INTERVAL: '30' },
      wrapStore: (s) =>
        Object.assign(Object.create(s) as typeof s, {
          purgeExpired: (now: number) => {
            runs++
            if (fail) throw Object.assign(new Error('database is locked'), { code: 'SQLITE_BUSY' })
            return s.purgeExpired(now)
          },
        }),
    })
    vi.useFakeTimers()
    const stop = startJobs(t.deps)
    for (let i = 0; i < 10; i++) await Promise.resolve() // the purge is async: let its rejection land
    expect(t.errors).toHaveLength(1)
    expect((t.errors[0] as { code: string }).code).toBe('SQLITE_BUSY')
    fail = false
    vi.advanceTimersByTime(30_000)
    for (let i = 0; i < 10; i++) await Promise.resolve()
    expect(runs).toBe(2) // retried at the next tick
    expect(t.errors).toHaveLength(1)
    stop()
  })
})
