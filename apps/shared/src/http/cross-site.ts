import type { MiddlewareHandler } from 'hono'
import { ApiError } from './errors.js'

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS'])

/**
 * Refuses cross-site state changes on every unsafe method, login included (login CSRF):
 * - `Sec-Fetch-Site: cross-site` or `same-site` (a sibling subdomain is not us) → 403 `csrf`;
 * - an `Origin` that is not exactly one of `allowedOrigins` (so `null` and `https://app.example.evil.com` fail) → 403.
 * Requests with neither header (curl, the benchmark, server-to-server) pass: no browser sent them, so no ambient
 * cookie rode along. JSON-only bodies (415 otherwise) close the form and text/plain paths that skip preflight.
 * Runs before any body is read or credential consumed, so a refused request changes nothing.
 */
export function crossSiteGuard(allowedOrigins: readonly string[]): MiddlewareHandler {
  const allowed = new Set(allowedOrigins)
  return async function crossSite(c, next) {
    if (!SAFE.has(c.req.method)) {
      const site = c.req.header('sec-fetch-site')
      if (site === 'cross-site' || site === 'same-site') {
        throw new ApiError('csrf', 'cross-site request refused')
      }
      const origin = c.req.header('origin')
      if (origin !== undefined && !allowed.has(origin)) {
        throw new ApiError('csrf', 'origin not allowed')
      }
    }
    await next()
  }
}
