export type { RedisHandle } from '@auth-lab/shared'
export type { Adapter, Cred } from './adapters.js'
export { ADAPTERS, refresh, statefulAdapter, statelessAdapter } from './adapters.js'
export type { SetCookie } from './cookies.js'
export { CookieJar, isClearing, parseSetCookie } from './cookies.js'
export type { DbSnapshot, SnapshotDiff, UserRowSnapshot } from './db-inspect.js'
export {
  diffSnapshots,
  fileContains,
  findValue,
  rowCounts,
  rowsForUser,
  snapshot,
  tableNames,
  withDb,
  withWritableDb,
} from './db-inspect.js'
export type { Fixtures, FixtureUser } from './fixtures.js'
export { LONG_PASSWORD, SIXTY_FOUR, seedFixtures, VICTIM_PASSWORD } from './fixtures.js'
export type { ReqOptions, Res } from './http-client.js'
export { LEAK_PATTERN, leaks, median, percentile, request, sameOrigin } from './http-client.js'
export type { KeyFile, KeyFileEntry } from './keys.js'
export { currentSigningKey, readKeyFile } from './keys.js'
export type { SinkListener } from './listener.js'
export { startSink } from './listener.js'
export { freePort } from './ports.js'
export { killPid } from './processes.js'
export { rawRequest } from './raw-http.js'
export { connectRedis, fileRedis, redisEnv, stopFileRedis } from './redis.js'
export { REPO_ROOT } from './repo.js'
export type { AppName, AppServer, ServerLauncher, StartOptions } from './server.js'
export {
  CHEAP_ARGON2,
  METRICS_AUTH,
  METRICS_TOKEN,
  startApp,
  startExpectingFailure,
  useServerLauncher,
} from './server.js'
export type { TimingSample } from './timing.js'
export { describeTiming, loginTimingCheck, sampleLoginTiming } from './timing.js'
export type { AttackerKey, DecodedJwt, Signer } from './tokens.js'
export {
  attackerKey,
  b64u,
  decodeJwt,
  handToken,
  hmacSigner,
  joseSign,
  nodeSigner,
  selfSignedX5c,
} from './tokens.js'
