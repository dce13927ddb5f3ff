/**
 * A Lua script run with EVALSHA, falling back to EVAL once when the server does not have it (first use, or after a
 * restart / SCRIPT FLUSH). Every key a script touches is passed in KEYS (never built inside the script), so the
 * scripts stay valid on Redis Cluster as long as the keys share a hash tag.
 */
import { createHash } from 'node:crypto'
import { REDIS_DEFAULTS, type Redis, withDeadline } from './client.js'

export interface LuaScript {
  run(client: Redis, keys: string[], args: (string | number)[]): Promise<unknown>
}

export function luaScript(source: string): LuaScript {
  const sha = createHash('sha1').update(source).digest('hex')
  return {
    async run(client, keys, args) {
      const options = { keys, arguments: args.map(String) }
      // A deadline of its own: the throttle runs scripts outside `redisCall` (client.ts `withDeadline`).
      try {
        return await withDeadline(client.evalSha(sha, options), REDIS_DEFAULTS.commandTimeoutMs)
      } catch (err) {
        if (!(err instanceof Error) || !err.message.startsWith('NOSCRIPT')) throw err
        return withDeadline(client.eval(source, options), REDIS_DEFAULTS.commandTimeoutMs)
      }
    },
  }
}
