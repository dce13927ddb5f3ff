/**
 * A Lua script run with EVALSHA, falling back to EVAL once when the server does not have it (first use, or after a
 * restart / SCRIPT FLUSH). Every key a script touches is passed in KEYS (never built inside the script), so the
 * scripts stay valid on Redis Cluster as long as the keys share a hash tag.
 */
import { createHash } from 'node:crypto'
import type { Redis } from './client.js'

export interface LuaScript {
  run(client: Redis, keys: string[], args: (string | number)[]): Promise<unknown>
}

export function luaScript(source: string): LuaScript {
  const sha = createHash('sha1').update(source).digest('hex')
  return {
    async run(client, keys, args) {
      const options = { keys, arguments: args.map(String) }
      try {
        return await client.evalSha(sha, options)
      } catch (err) {
        if (!(err instanceof Error) || !err.message.startsWith('NOSCRIPT')) throw err
        return client.eval(source, options)
      }
    },
  }
}
