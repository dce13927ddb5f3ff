import { connect } from 'node:net'

/**
 * Sends bytes over a plain TCP socket, for requests fetch will not make: a Content-Length that lies, chunked bodies
 * of our own framing, headers above Node's 16 KiB limit. Resolves with the status line's code (or null when the
 * server closed without answering) and how long it took.
 */
export function rawRequest(
  port: number,
  head: string,
  body: Buffer | string | ((write: (chunk: Buffer | string) => boolean) => Promise<void>) = '',
  timeoutMs = 5000,
): Promise<{ status: number | null; head: string; ms: number; closed: boolean }> {
  return new Promise((resolve) => {
    const started = performance.now()
    const sock = connect(port, '127.0.0.1')
    let data = ''
    let done = false
    const finish = (closed: boolean) => {
      if (done) return
      done = true
      clearTimeout(timer)
      sock.destroy()
      const m = /^HTTP\/1\.[01] (\d{3})/.exec(data)
      resolve({
        status: m ? Number(m[1]) : null,
        head: data.split('\r\n\r\n')[0] ?? '',
        ms: performance.now() - started,
        closed,
      })
    }
    const timer = setTimeout(() => finish(false), timeoutMs)
    sock.on('data', (b) => {
      data += b.toString('latin1')
      if (data.includes('\r\n\r\n')) finish(false)
    })
    sock.on('error', () => finish(true))
    sock.on('close', () => finish(true))
    sock.on('connect', async () => {
      sock.write(head)
      try {
        if (typeof body === 'function') await body((c) => (done ? false : sock.write(c)))
        else if (body.length > 0) sock.write(body)
      } catch {
        // the server may close mid-body; that is an answer too
      }
    })
  })
}
