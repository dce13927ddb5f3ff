import { createServer } from 'node:net'

/**
 * Asks the kernel for a free TCP port on 127.0.0.1 and releases it. A tiny race remains (another process could take
 * it before the server binds); the health wait in `startServer` surfaces that as a clear error.
 */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer()
    srv.unref()
    srv.once('error', reject)
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address()
      const port = typeof addr === 'object' && addr ? addr.port : 0
      srv.close(() => (port > 0 ? resolve(port) : reject(new Error('no free port'))))
    })
  })
}
