import { createServer } from 'node:http'

/**
 * A local HTTP listener for the jku/x5u cases: it serves an attacker JWKS (set with `serve` once the attacker key
 * exists) and records every request it gets. A correct verifier never calls it, so `hits` must stay empty.
 */
export interface SinkListener {
  url: string
  hits: { method: string; url: string }[]
  serve(body: object): void
  close(): Promise<void>
}

export function startSink(): Promise<SinkListener> {
  let current: object = { keys: [] }
  const hits: SinkListener['hits'] = []
  const server = createServer((req, res) => {
    hits.push({ method: req.method ?? '', url: req.url ?? '' })
    res.setHeader('content-type', 'application/json')
    res.end(JSON.stringify(current))
  })
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const addr = server.address()
      const port = typeof addr === 'object' && addr ? addr.port : 0
      resolve({
        url: `http://127.0.0.1:${port}`,
        hits,
        serve: (b) => {
          current = b
        },
        close: () =>
          new Promise<void>((r) => {
            server.closeAllConnections()
            server.close(() => r())
          }),
      })
    })
  })
}
