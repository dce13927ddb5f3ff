import { afterEach, describe, expect, it, vi } from 'vitest'
import { startJobs } from './jobs.js'
import type { TestApp } from './test-app.js'
import { testApp } from './test-app.js'

let t: TestApp
afterEach(() => {
  vi.useRealTimers()
  t.close()
})

describe('startJobs', () => {
  it('purges every PURGE_INTERVAL and reloads keys every KEY_RELOAD_INTERVAL; stop clears both', async () => {
    t = await testApp({ env: { PURGE_INTERVAL: '30', KEY_RELOAD_INTERVAL: '2' } })
    vi.useFakeTimers()
    const purge = vi.spyOn(t.deps.tokens, 'purge')
    const reload = vi.spyOn(t.deps.keys, 'reloadIfChanged')
    const stop = startJobs(t.deps)
    vi.advanceTimersByTime(29_999)
    expect(purge).toHaveBeenCalledTimes(0)
    expect(reload).toHaveBeenCalledTimes(14)
    vi.advanceTimersByTime(1)
    expect(purge).toHaveBeenCalledTimes(1)
    stop()
    vi.advanceTimersByTime(120_000)
    expect(purge).toHaveBeenCalledTimes(1)
    expect(reload).toHaveBeenCalledTimes(15)
    expect(t.unexpected).toEqual([])
  })

  it('a failed run is reported through onUnexpected and retried at the next tick', async () => {
    t = await testApp()
    vi.useFakeTimers()
    const busy = Object.assign(new Error('database is locked'), { code: 'SQLITE_BUSY' })
    const purge = vi.spyOn(t.deps.tokens, 'purge').mockImplementationOnce(() => {
      throw busy
    })
    const badFile = new Error('key file unreadable')
    vi.spyOn(t.deps.keys, 'reloadIfChanged').mockRejectedValueOnce(badFile)
    const stop = startJobs(t.deps)
    await vi.advanceTimersByTimeAsync(5_000) // default KEY_RELOAD_INTERVAL
    await vi.advanceTimersByTimeAsync(55_000) // default PURGE_INTERVAL
    expect(t.unexpected).toEqual([badFile, busy])
    await vi.advanceTimersByTimeAsync(60_000)
    expect(purge).toHaveBeenCalledTimes(2)
    expect(t.unexpected).toHaveLength(2)
    stop()
  })
})
