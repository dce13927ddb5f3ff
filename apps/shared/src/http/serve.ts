import type { RequestListener, Server } from 'node:http'
import { createServer } from 'node:http'
import { createServer as createHttpsServer } from 'node:https'
import type { AddressInfo } from 'node:net'
import { getRequestListener } from '@hono/node-server'
import { installClientErrorHandler, refuseMissingHost, transportErrorHandler } from './transport-errors.js'

export interface ServeOptions {
  app: string
  instanceId: string
  host: string
  port: number
  fetch: (req: Request) => Response | Promise<Response>
  /** Stop timers and close the database; called once, after the last connection closed (or the grace ran out). */
  onClose: () => void
  /** How long in-flight requests get after SIGTERM/SIGINT before the remaining sockets are cut (default 5 s). */
  graceMs?: number
  /** Time limits per request (HTTP_HEADERS_TIMEOUT / HTTP_REQUEST_TIMEOUT); defaults in `HTTP_TIMEOUTS`. */
  timeouts?: { headersMs: number; requestMs: number }
  /** Where an error that escaped `fetch` is reported (a bug: both apps map every error themselves). */
  onUnexpected?: (err: unknown) => void
}

/**
 * Node's defaults let a client hold a connection with a half-sent request for minutes (requestTimeout 300 s; issue
 * 10, F9 measured > 80 s on a partial body) — slowloris with a handful of sockets. Our requests are small JSON
 * (JSON_BODY_LIMIT), so a real client sends its headers within milliseconds and its whole request well inside a
 * second even on a slow link: 10 s for headers and 15 s for the whole request leave a wide margin. Node checks these
 * limits only every `connectionsCheckingInterval` (default 30 s), so that is set to 1 s for the limits to hold.
 */
export const HTTP_TIMEOUTS = { headersMs: 10_000, requestMs: 15_000, checkEveryMs: 1_000 }

/**
 * Serves until SIGTERM/SIGINT, the same way for both apps (a restart experiment must not measure one app's slower
 * shutdown). Prints one line when listening. On a signal: stop accepting, let in-flight requests finish, and close
 * keep-alive sockets as soon as they fall idle — `server.close()` alone waits for clients that keep a connection
 * busy, which under continuous load is forever — then cut whatever is left after the grace period and exit 0.
 */
export function serveUntilSignal(opts: ServeOptions): Server {
  const server = createNodeServer(opts)
  server.listen(opts.port, opts.host, () => {
    const info = server.address() as AddressInfo
    console.log(
      `auth-lab ${opts.app} listening on http://${opts.host}:${info.port} (instance ${opts.instanceId})`,
    )
  })

  let stopping = false
  const stop = (signal: string) => {
    if (stopping) return
    stopping = true
    const finish = (code: number) => {
      try {
        opts.onClose()
      } finally {
        process.exit(code)
      }
    }
    server.close(() => finish(0))
    server.closeIdleConnections()
    // A socket busy now is idle a few ms later (its response written): close it then, before its next request.
    const sweep = setInterval(() => server.closeIdleConnections(), 50)
    sweep.unref()
    setTimeout(() => {
      console.error(
        `auth-lab ${opts.app}: ${signal}: connections still open after the grace period, closing them`,
      )
      server.closeAllConnections()
      finish(0)
    }, opts.graceMs ?? 5000).unref()
  }
  process.on('SIGTERM', () => stop('SIGTERM'))
  process.on('SIGINT', () => stop('SIGINT'))
  return server
}

/**
 * The Node HTTP server both apps run on, not yet listening: @hono/node-server's request listener (what its `serve()`
 * builds, plus an `errorHandler`, which `serve()` cannot take) on `http.createServer` with the time limits above, and
 * the JSON answers for requests refused below the app (transport-errors.ts).
 */
export function createNodeServer(
  opts: Pick<ServeOptions, 'fetch' | 'host' | 'timeouts' | 'onUnexpected'> & {
    /** HTTPS (the lab's `LAB_HTTPS`): key and certificate, PEM. */
    tls?: { key: string | Buffer; cert: string | Buffer }
  },
): Server {
  const t = opts.timeouts ?? HTTP_TIMEOUTS
  const honoListener = getRequestListener(opts.fetch, {
    hostname: opts.host,
    errorHandler: transportErrorHandler(opts.onUnexpected ?? ((err) => console.error(err))),
  })
  const listener: RequestListener = (req, res) => {
    if (refuseMissingHost(req, res)) return
    void honoListener(req, res)
  }
  const limits = {
    // Node's own Host check answers with an empty body; refuseMissingHost answers the same 400 with the shape.
    requireHostHeader: false,
    headersTimeout: t.headersMs,
    requestTimeout: t.requestMs,
    connectionsCheckingInterval: Math.min(HTTP_TIMEOUTS.checkEveryMs, t.headersMs),
  }
  // https.Server takes http.Server's options too, and its parser emits the same clientError.
  const server = opts.tls
    ? (createHttpsServer(
        { ...limits, key: opts.tls.key, cert: opts.tls.cert },
        listener,
      ) as unknown as Server)
    : createServer(limits, listener)
  installClientErrorHandler(server)
  return server
}
