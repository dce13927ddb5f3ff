export { createApp } from './app.js'
export type { SessionStoreKind, StatefulConfig } from './config.js'
export { DEFAULTS, readConfig } from './config.js'
export type { OpenedDeps } from './deps.js'
export { openDeps, openSessions } from './deps.js'
export type { AppEnv, Auth, Deps } from './env.js'
export { startJobs } from './jobs.js'
export type { SessionCookie } from './session/cookie.js'
export { sessionCookie } from './session/cookie.js'
export type { CookieCacheOptions, Snapshot } from './session/cookie-cache.js'
export { COOKIE_CACHE_NAME, CookieCache } from './session/cookie-cache.js'
export { cookieCacheKeyPath } from './session/cookie-cache-key.js'
export type {
  SessionFields,
  SessionLayerDeps,
  SessionMode,
  SessionVariables,
} from './session/hono-sessions-shim.js'
export { sessionLayer } from './session/hono-sessions-shim.js'
export { MemorySessionStore } from './session/memory-session-store.js'
export { RedisSessionStore } from './session/redis-session-store.js'
export { sessionMigrations } from './session/schema.js'
export type { SessionRecord, SessionStore, SessionWithUser } from './session/session-store.js'
export type { ClientInfo, SessionPolicy, ValidSession } from './session/sessions.js'
export {
  hashSessionId,
  isWellFormedSessionId,
  newSessionId,
  Sessions,
  sessionExpiresAt,
} from './session/sessions.js'
export { SqliteSessionStore } from './session/sqlite-session-store.js'
