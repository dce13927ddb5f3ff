import type { Context } from 'hono'

/**
 * The one error shape of both apps: `{"error": code, "message": text}`. Codes are stable and tests match on them;
 * messages are for people and may change. No stack, library or SQL text is ever put in a message.
 */
export type ErrorCode =
  | 'invalid_request'
  | 'invalid_credentials'
  | 'unauthenticated'
  | 'invalid_token'
  | 'invalid_refresh_token'
  | 'refresh_token_reused'
  /** More than one credential cookie of one name (cookie tossing, F5): refused, all cleared. */
  | 'duplicate_cookie'
  | 'csrf'
  | 'not_found'
  | 'method_not_allowed'
  | 'payload_too_large'
  | 'unsupported_media_type'
  | 'too_many_attempts'
  | 'service_unavailable'
  | 'store_unavailable'
  | 'internal_error'

export const STATUS: Record<ErrorCode, 400 | 401 | 403 | 404 | 405 | 413 | 415 | 429 | 500 | 503> = {
  invalid_request: 400,
  invalid_credentials: 401,
  unauthenticated: 401,
  invalid_token: 401,
  invalid_refresh_token: 401,
  refresh_token_reused: 401,
  duplicate_cookie: 400,
  csrf: 403,
  not_found: 404,
  method_not_allowed: 405,
  payload_too_large: 413,
  unsupported_media_type: 415,
  too_many_attempts: 429,
  service_unavailable: 503,
  store_unavailable: 503,
  internal_error: 500,
}

/** Thrown anywhere in request handling; `onError` turns it into the JSON response. */
export class ApiError extends Error {
  readonly status: number

  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message)
    this.name = 'ApiError'
    this.status = STATUS[code]
  }
}

export function errorResponse(c: Context, err: ApiError): Response {
  for (const [k, v] of Object.entries(err.headers)) c.header(k, v)
  // Errors on auth routes may follow a credential check; never let a cache keep them.
  c.header('Cache-Control', 'no-store')
  return c.json({ error: err.code, message: err.message }, err.status as 400)
}

/**
 * A shared store (Redis) could not answer: unreachable, reconnecting, or it refused the command. The HTTP edge
 * turns it into 503 `store_unavailable` with `Retry-After`, never a 401 (a broken store is not a logout) and never
 * a 500. `cause` keeps the client's error for the log.
 */
export class StoreUnavailableError extends Error {
  readonly code = 'STORE_UNAVAILABLE'

  constructor(cause: unknown) {
    super('the shared store is unavailable', { cause })
    this.name = 'StoreUnavailableError'
  }
}

/** The `store_unavailable` response for a StoreUnavailableError (Retry-After: 1; the client reconnects by itself). */
export function storeUnavailable(): ApiError {
  return new ApiError('store_unavailable', 'the shared store is unavailable; try again', {
    'Retry-After': '1',
  })
}

/**
 * True when the store, not the request, failed: better-sqlite3 errors (SQLITE_BUSY, SQLITE_IOERR, …) and
 * StoreUnavailableError (Redis).
 */
export function isStoreError(err: unknown): boolean {
  if (err instanceof StoreUnavailableError) return true
  const code = (err as { code?: unknown } | null)?.code
  return typeof code === 'string' && code.startsWith('SQLITE_')
}
