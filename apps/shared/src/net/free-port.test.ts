import { createServer } from 'node:net'
import { describe, expect, it } from 'vitest'
import { freePort } from './free-port.js'

describe('freePort', () => {
  it('never hands out the same port twice, even to asks made at once', async () => {
    const ports = await Promise.all(Array.from({ length: 40 }, () => freePort()))
    expect(new Set(ports).size).toBe(40)
    const later = await freePort()
    expect(ports).not.toContain(later)
  })

  it('returns a port a server can bind on 127.0.0.1', async () => {
    const port = await freePort()
    const srv = createServer()
    await new Promise<void>((resolve, reject) => {
      srv.once('error', reject)
      srv.listen(port, '127.0.0.1', resolve)
    })
    expect((srv.address() as { port: number }).port).toBe(port)
    await new Promise((r) => srv.close(r))
  })
})
