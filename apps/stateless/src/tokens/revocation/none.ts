import type { Revocation } from './index.js'

/**
 * REVOCATION=none: the access token is self-contained and nothing can reach it; it lives until its `exp`
 * (≤ ACCESS_TTL). Logout and device revocation still kill the refresh family, so no new access token is issued.
 * The check answers from the claims with zero store access: the fastest mode, and the documented trade-off.
 */
export function noneRevocation(): Revocation {
  return {
    mode: 'none',
    check: async (token) => token.user,
    cut: async () => {},
    onStale: async () => {},
    onLogout: async () => {},
    onLogoutAll: async () => {},
    purge: async () => 0,
  }
}
