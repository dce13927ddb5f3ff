export { createApp } from './app.js'
export { refreshCookieName } from './auth/refresh-cookie.js'
export type { DeviceMeta, RefreshOutcome, TokenPair, TokenServiceOptions } from './auth/token-service.js'
export { TokenService } from './auth/token-service.js'
export type {
  AccessTokenFormat,
  JobsConfig,
  JwtAlg,
  JwtConfig,
  RefreshConfig,
  RevocationMode,
  StatelessConfig,
} from './config.js'
export { DEFAULTS, JWT_ALGS, MIN_SECRET_BYTES, REVOCATION_MODES, readConfig } from './config.js'
export type { OpenedDeps } from './deps.js'
export { openDeps } from './deps.js'
export type { AppEnv, Auth, Deps } from './env.js'
export { startJobs } from './jobs.js'
export { REALM, requireAccessToken } from './middleware/require-access-token.js'
export type { AccessClaims, IssuedAccess, VerifiedAccess } from './tokens/access-token.js'
export { AccessTokens, TOKEN_TYPE } from './tokens/access-token.js'
export type { DenylistStore } from './tokens/denylist.js'
export type { KeyAlg, KeyEntry, KeyFile } from './tokens/key-file.js'
export { keyFilePath, readKeyFile } from './tokens/key-file.js'
export type { RingKey } from './tokens/keys.js'
export { importEntry, KeyRing, keyAlgOf, listKeys, openKeyRing, rotateKeys } from './tokens/keys.js'
export { RedisDenylist } from './tokens/redis-denylist.js'
export { RedisRefreshTokens } from './tokens/redis-refresh-tokens.js'
export type { RefreshStore } from './tokens/refresh-store.js'
export type { FamilyView } from './tokens/refresh-token.js'
export { hashToken, RefreshTokens } from './tokens/refresh-token.js'
export type { Revocation, RevocationWiring } from './tokens/revocation/index.js'
export { openRevocation } from './tokens/revocation/index.js'
export type { VerifiedCacheOptions } from './tokens/verified-cache.js'
export { ACCESS_TOKEN_CACHE_NAME, VerifiedTokenCache } from './tokens/verified-cache.js'
