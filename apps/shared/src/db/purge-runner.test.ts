import { describe, expect, it } from 'vitest'
import { purgeRunner } from './purge-runner.js'

const later = () => new Promise<void>((r) => setImmediate(r))

describe('purgeRunner', () => {
  it('runs one purge at a time: a tick during a running purge joins it instead of starting another', async () => {
    let started = 0
    let release!: () => void
    const runner = purgeRunner(
      [
        async () => {
          started++
          if (started > 1) return
          await new Promise<void>((r) => {
            release = r
          })
        },
      ],
      () => {},
    )
    const first = runner.run()
    const second = runner.run()
    await later()
    expect(started).toBe(1)
    release()
    await Promise.all([first, second])
    await runner.run()
    expect(started).toBe(2) // a new one once the first is over
  })

  it('reports each task failure on its own and still runs the next task', async () => {
    const errors: unknown[] = []
    const ran: string[] = []
    const runner = purgeRunner(
      [
        () => {
          ran.push('sessions')
          throw Object.assign(new Error('database is locked'), { code: 'SQLITE_BUSY' })
        },
        async () => {
          ran.push('throttle')
          return 3
        },
        () => undefined, // a throttle without a purge (memory, Redis)
      ],
      (err) => errors.push(err),
    )
    await runner.run() // never rejects
    expect(ran).toEqual(['sessions', 'throttle'])
    expect(errors).toHaveLength(1)
    expect((errors[0] as { code: string }).code).toBe('SQLITE_BUSY')
  })

  it('stop() aborts the running purge signal, skips its later tasks and every later run', async () => {
    const seen: AbortSignal[] = []
    let secondRan = false
    const runner = purgeRunner(
      [
        async (signal) => {
          seen.push(signal)
          await later()
        },
        async () => {
          secondRan = true
        },
      ],
      () => {},
    )
    const running = runner.run()
    runner.stop()
    await running
    expect(seen[0]?.aborted).toBe(true)
    expect(secondRan).toBe(false)
    await runner.run()
    expect(seen).toHaveLength(1)
  })
})
