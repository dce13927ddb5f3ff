import type { IncomingMessage, Server, ServerResponse } from 'node:http'
import { STATUS_CODES } from 'node:http'
import type { Duplex } from 'node:stream'
import { RequestError } from '@hono/node-server'

/**
 * Requests refused below the app — by Node's HTTP parser or by @hono/node-server before a `Request` exists — get the
 * same JSON error shape as everything else, instead of an empty body (found in review: a backslash in the path, a
 * bad Host header, a 20 KB Cookie header, a half-sent body all answered with a bare status line). Nothing here
 * reaches the app, touches a store or echoes the request: the messages are fixed strings.
 *
 * - `transportErrorHandler`: @hono/node-server's `errorHandler`. A `RequestError` (the URL or Host could not make a
 *   Request) → 400 `invalid_request`. Anything else thrown out of `fetch` would be a bug (both apps map every error
 *   in Hono's onError): 500 `internal_error`, reported, nothing leaked.
 * - `installClientErrorHandler`: Node's `clientError` (the parser refused the bytes, or a timeout fired). Node's own
 *   default writes a status line only when nothing was written on the socket yet, then destroys it; this does the
 *   same, with a JSON body. Header overflow → 431, request timeout (HTTP_REQUEST_TIMEOUT / slowloris) → 408, chunk
 *   extensions overflow → 413, anything else → 400.
 * - `checkExpectation`: an `Expect` other than 100-continue → 417 with the shape (Node's default: an empty 417).
 * - `missingHost` (session 10 review): an HTTP/1.1 request without `Host` → 400 with the shape. Node's own check
 *   (`requireHostHeader`) answered it with an empty chunked body; it is turned off in serve.ts and done here instead,
 *   still before the request reaches @hono/node-server (which would otherwise fall back to the listen address).
 * - `connect` (session 10 review): a `CONNECT` request → 405 with the shape. Without a listener Node destroyed the
 *   socket without a word.
 */
export type TransportErrorCode =
  | 'invalid_request'
  | 'request_timeout'
  | 'request_header_too_large'
  | 'payload_too_large'
  | 'expectation_failed'
  | 'method_not_allowed'
  | 'internal_error'

const HEADERS = {
  'content-type': 'application/json; charset=UTF-8',
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
}

function body(code: TransportErrorCode, message: string): string {
  return JSON.stringify({ error: code, message })
}

export function transportErrorHandler(report: (err: unknown) => void): (err: unknown) => Response {
  return (err) => {
    if (err instanceof RequestError) {
      return new Response(body('invalid_request', 'malformed request (URL or Host header)'), {
        status: 400,
        headers: HEADERS,
      })
    }
    report(err)
    return new Response(body('internal_error', 'internal error'), { status: 500, headers: HEADERS })
  }
}

/** Node's parser and timeout errors, as `clientError` reports them, mapped to a status and our code. */
export function clientErrorStatus(code: string | undefined): {
  status: number
  code: TransportErrorCode
  message: string
} {
  switch (code) {
    case 'HPE_HEADER_OVERFLOW':
      return { status: 431, code: 'request_header_too_large', message: 'request headers too large' }
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return { status: 408, code: 'request_timeout', message: 'the request was not received in time' }
    case 'HPE_CHUNK_EXTENSIONS_OVERFLOW':
      return { status: 413, code: 'payload_too_large', message: 'chunk extensions too large' }
    default:
      return { status: 400, code: 'invalid_request', message: 'malformed HTTP request' }
  }
}

function rawResponse(status: number, payload: string): string {
  const head = [
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}`,
    ...Object.entries(HEADERS).map(([k, v]) => `${k}: ${v}`),
    `content-length: ${Buffer.byteLength(payload)}`,
    'connection: close',
  ]
  return `${head.join('\r\n')}\r\n\r\n${payload}`
}

export function installClientErrorHandler(server: Server): void {
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Duplex & { bytesWritten?: number }) => {
    // As Node's default: answer only on a socket nothing was written to yet (a keep-alive connection mid-stream
    // cannot take a status line), and never on a reset one.
    if (err.code === 'ECONNRESET' || !socket.writable || (socket.bytesWritten ?? 0) > 0) {
      socket.destroy()
      return
    }
    const r = clientErrorStatus(err.code)
    socket.end(rawResponse(r.status, body(r.code, r.message)))
  })
  server.on('checkExpectation', (_req, res) => {
    res.writeHead(417, HEADERS)
    res.end(body('expectation_failed', 'only "Expect: 100-continue" is supported'))
  })
  server.on('connect', (_req, socket: Duplex) => {
    socket.end(rawResponse(405, body('method_not_allowed', 'CONNECT is not supported')))
  })
}

/**
 * RFC 9112 §3.2: an HTTP/1.1 request without `Host` is answered 400. True when it was (the caller stops there);
 * run first in the request listener, with Node's `requireHostHeader` off (it answers with an empty body).
 */
export function refuseMissingHost(req: IncomingMessage, res: ServerResponse): boolean {
  if (req.httpVersion !== '1.1' || req.headers.host !== undefined) return false
  res.writeHead(400, { ...HEADERS, connection: 'close' })
  res.end(body('invalid_request', 'malformed request (URL or Host header)'))
  return true
}
