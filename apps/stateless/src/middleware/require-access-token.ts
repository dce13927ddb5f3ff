import { ApiError, authTimer } from '@auth-lab/shared'
import type { Context, MiddlewareHandler } from 'hono'
import type { TokenService } from '../auth/token-service.js'
import type { AppEnv } from '../env.js'
import type { VerifiedAccess } from '../tokens/access-token.js'

/**
 * Bearer authentication with RFC 6750 semantics:
 * - no credentials → 401 `unauthenticated` + `WWW-Authenticate: Bearer realm="auth-lab"` (no error attribute, §3.1);
 *   another scheme (Basic …) counts as no Bearer credentials;
 * - a malformed Bearer header (`Bearer`, `Bearer a b`, characters outside b64token), or the token sent both in the
 *   header and as `?access_token=` → 400 `invalid_request` with `error="invalid_request"`;
 * - a bad, expired or revoked token → 401 `invalid_token` with `error="invalid_token"`.
 * The scheme is case-insensitive. The token is read from the header only: never a query parameter, form field or
 * cookie (a cookie would make Bearer requests CSRF-able; a URL leaks into logs and Referer).
 * Sets `Server-Timing: auth;dur=…` with the time spent verifying and checking revocation, and `auth` (env.ts).
 */
export const REALM = 'auth-lab'

// RFC 6750 §2.1: credentials = "Bearer" 1*SP b64token, b64token = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="
const BEARER = /^Bearer +([A-Za-z0-9\-._~+/]+=*)$/i
const SCHEME = /^([A-Za-z][A-Za-z0-9!#$%&'*+\-.^_`|~]*)(?: |$)/

export type BearerRead = { kind: 'none' } | { kind: 'malformed' } | { kind: 'token'; token: string }

export function readBearer(c: Context): BearerRead {
  const raw = c.req.header('authorization')
  const inQuery = c.req.query('access_token') !== undefined
  const header = raw?.trim()
  if (header === undefined || header === '') return { kind: 'none' }
  const scheme = SCHEME.exec(header)?.[1]
  if (scheme === undefined || scheme.toLowerCase() !== 'bearer') {
    return scheme === undefined ? { kind: 'malformed' } : { kind: 'none' }
  }
  const m = BEARER.exec(header)
  if (!m?.[1]) return { kind: 'malformed' }
  if (inQuery) return { kind: 'malformed' } // RFC 6750 §3.1: more than one method
  return { kind: 'token', token: m[1] }
}

export function bearerChallenge(error?: 'invalid_token' | 'invalid_request'): string {
  return error ? `Bearer realm="${REALM}", error="${error}"` : `Bearer realm="${REALM}"`
}

export function unauthenticated(): ApiError {
  return new ApiError('unauthenticated', 'a Bearer access token is required', {
    'WWW-Authenticate': bearerChallenge(),
  })
}

export function invalidToken(): ApiError {
  return new ApiError('invalid_token', 'the access token is invalid, expired or revoked', {
    'WWW-Authenticate': bearerChallenge('invalid_token'),
  })
}

export function malformedAuthorization(): ApiError {
  return new ApiError('invalid_request', 'malformed Authorization header', {
    'WWW-Authenticate': bearerChallenge('invalid_request'),
  })
}

/** Verifies the token without the revocation check (logout uses it: an already revoked token revokes nothing). */
export async function verifyBearer(c: Context, tokens: TokenService): Promise<VerifiedAccess | null> {
  const read = readBearer(c)
  return read.kind === 'token' ? tokens.verify(read.token) : null
}

export function requireAccessToken(tokens: TokenService): MiddlewareHandler<AppEnv> {
  return async function requireAccessToken(c, next) {
    const done = authTimer()
    const read = readBearer(c)
    if (read.kind === 'none') throw unauthenticated()
    if (read.kind === 'malformed') throw malformedAuthorization()
    const token = await tokens.verify(read.token)
    const user = token ? await tokens.check(token) : null
    done(c)
    if (!token || !user) throw invalidToken()
    c.set('auth', { user, token })
    await next()
  }
}
