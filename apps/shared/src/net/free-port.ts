/**
 * A free TCP port on 127.0.0.1 for a server, a redis-server or a test to bind next — the one implementation the
 * bench harness, the test helpers and the Redis test server share.
 */
import { createServer } from 'node:net'

/** Ports this process has handed out: never handed out twice (see freePort). */
const handedOut = new Set<number>()

function askKernel(): Promise<number> {
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

/**
 * Asks the kernel for a free port (bind to 0, read it, release it), never returning a port this process has
 * returned before. Why: once released, the kernel may hand the same port to a later ask, and the harness starts
 * servers side by side; two servers on one port would look like one healthy server and one that "died" (a suspect
 * in run K3, session 7, where a memory server was gone a second after its /health answered). A race with other
 * processes remains (one could take the port before the server binds): the bench's `startServer` checks that
 * /health answers with the server's own INSTANCE_ID.
 */
export async function freePort(): Promise<number> {
  for (let i = 0; i < 50; i++) {
    const port = await askKernel()
    if (handedOut.has(port)) continue
    handedOut.add(port)
    return port
  }
  throw new Error('no free port that was not handed out before (50 tries)')
}
