import { describe, expect, it } from 'vitest'
import { HashQueue, HashQueueFullError } from './hash-queue.js'

function deferred() {
  let resolve!: () => void
  const promise = new Promise<void>((r) => {
    resolve = r
  })
  return { promise, resolve }
}

describe('HashQueue', () => {
  it('runs at most maxActive at once, queues maxQueued, refuses the rest without running them', async () => {
    const q = new HashQueue({ maxActive: 2, maxQueued: 3 })
    const gate = deferred()
    let running = 0
    let peak = 0
    let started = 0
    const job = () =>
      q.run(async () => {
        started++
        running++
        peak = Math.max(peak, running)
        await gate.promise
        running--
        return 'done'
      })
    const results = Array.from({ length: 8 }, job)
    const settled = Promise.allSettled(results)
    await Promise.resolve()
    expect(q.load()).toEqual({ active: 2, queued: 3 })
    gate.resolve()
    const out = await settled
    expect(out.filter((r) => r.status === 'fulfilled')).toHaveLength(5)
    const refused = out.filter((r) => r.status === 'rejected')
    expect(refused).toHaveLength(3)
    for (const r of refused) expect((r as PromiseRejectedResult).reason).toBeInstanceOf(HashQueueFullError)
    expect(peak).toBe(2)
    expect(started).toBe(5)
    expect(q.load()).toEqual({ active: 0, queued: 0 })
  })

  it('frees the slot when the work throws', async () => {
    const q = new HashQueue({ maxActive: 1, maxQueued: 0 })
    await expect(q.run(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom')
    expect(await q.run(async () => 7)).toBe(7)
    expect(q.load()).toEqual({ active: 0, queued: 0 })
  })
})
