import { mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { repoRoot } from '@auth-lab/shared'
import { afterAll, describe, expect, it } from 'vitest'
import { ChildServers } from './children.js'

/** Restart by PID: a real stateful child on a free loopback port; the old process must be gone, not orphaned. */
const dir = mkdtempSync(join(tmpdir(), 'auth-lab-children-'))

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer()
    s.once('error', reject)
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number }
      s.close(() => resolve(port))
    })
  })
}
const alive = (pid: number) => {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

let children: ChildServers | undefined
afterAll(async () => {
  await children?.stopAll()
  rmSync(dir, { recursive: true, force: true })
}, 30_000)

describe('ChildServers', () => {
  it('restart stops the old process by PID and starts a new one with the overrides', async () => {
    const port = await freePort()
    children = new ChildServers(
      [{ id: 'stateful', app: 'stateful', prefix: '/stateful', port, env: { SESSION_STORE: 'sqlite' } }],
      { root: repoRoot(), dbPath: join(dir, 'auth-lab.db'), labOrigins: ['http://localhost:1'] },
    )
    await children.start('stateful')
    const first = children.status()[0]
    expect(first?.pid).toBeTypeOf('number')
    expect(alive(first?.pid as number)).toBe(true)
    await expect(children.start('stateful')).rejects.toThrow(/already running/)

    await children.restart('stateful', { SESSION_STORE: 'memory' })
    const second = children.status()[0]
    expect(second?.pid).toBeTypeOf('number')
    expect(second?.pid).not.toBe(first?.pid)
    expect(alive(first?.pid as number)).toBe(false)
    expect(second?.env.SESSION_STORE).toBe('memory')
    const health = await fetch(`http://127.0.0.1:${port}/health`)
    expect(health.status).toBe(200)

    await children.stop('stateful')
    expect(children.status()[0]?.pid).toBeNull()
    expect(alive(second?.pid as number)).toBe(false)
  }, 60_000)
})
