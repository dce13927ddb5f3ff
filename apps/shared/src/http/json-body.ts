import type { Context } from 'hono'
import { ApiError } from './errors.js'

export const JSON_BODY_LIMIT = 16 * 1024

/**
 * Reads a JSON object body, refusing anything else before it costs us work:
 * - Content-Type must be application/json (charset, if given, utf-8) → else 415. This also closes the
 *   text/plain and form paths that a cross-site page can send without a CORS preflight.
 * - More than 16 KiB → 413, judged on Content-Length when present and counted while streaming otherwise
 *   (chunked bodies), so a 10 MB body is refused without being buffered.
 * - Invalid UTF-8, malformed JSON or a non-object → 400.
 */
export async function readJsonObject(c: Context, limit = JSON_BODY_LIMIT): Promise<Record<string, unknown>> {
  const type = c.req.header('content-type')
  if (!type || !isJsonType(type)) {
    throw new ApiError('unsupported_media_type', 'Content-Type must be application/json')
  }
  const declared = c.req.header('content-length')
  if (declared !== undefined && Number(declared) > limit) throw tooLarge(limit)

  const body = c.req.raw.body
  if (!body) throw new ApiError('invalid_request', 'request body is required')
  const chunks: Uint8Array[] = []
  let size = 0
  const reader = body.getReader()
  try {
    for (;;) {
      const { done, value } = await reader.read()
      if (done) break
      size += value.byteLength
      if (size > limit) throw tooLarge(limit)
      chunks.push(value)
    }
  } catch (err) {
    if (err instanceof ApiError) {
      await reader.cancel().catch(() => {})
      throw err
    }
    throw new ApiError('invalid_request', 'could not read the request body')
  }
  let text: string
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(Buffer.concat(chunks))
  } catch {
    throw new ApiError('invalid_request', 'body is not valid UTF-8')
  }
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    throw new ApiError('invalid_request', 'body is not valid JSON')
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ApiError('invalid_request', 'body must be a JSON object')
  }
  return value as Record<string, unknown>
}

function isJsonType(header: string): boolean {
  const [media, ...params] = header.split(';').map((s) => s.trim().toLowerCase())
  if (media !== 'application/json') return false
  return params.every((p) => !p.startsWith('charset=') || p === 'charset=utf-8' || p === 'charset="utf-8"')
}

function tooLarge(limit: number): ApiError {
  return new ApiError('payload_too_large', `body must be at most ${limit} bytes`)
}
