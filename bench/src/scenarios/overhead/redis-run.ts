/**
 * Redis in the overhead experiment (issue 12 item 6): one bench-owned redis-server per overhead run, shared by both
 * layers (each server / worker under its own REDIS_PREFIX), pinned to the load generator's core, and a count of the
 * Redis commands each Redis variant's GET costs (INFO commandstats before/after a short sequential sample on the
 * HTTP servers, after the measured rounds).
 */

import type { Progress } from '../../lib/progress.js'
import type { BenchRedis } from '../../lib/redis.js'
import { diffCommands, needsRedis, redisEnv, startBenchRedis } from '../../lib/redis.js'
import type { Table } from '../../report/schema.js'
import type { Group, GroupSpec } from './variants.js'

export const FLOOR_REDIS_ID = 'floor-redis'

/** A group uses Redis when its app env says so, or (floor) when floor-redis is among its targets. */
export function groupNeedsRedis(spec: GroupSpec): boolean {
  return needsRedis(spec.env) || spec.targets.some((t) => t.id === FLOOR_REDIS_ID)
}

/** The specs with REDIS_URL and a per-layer, per-group REDIS_PREFIX added where they need Redis. */
export function withRedis(specs: readonly GroupSpec[], url: string | null, layer: string): GroupSpec[] {
  if (url === null) return [...specs]
  return specs.map((s) =>
    groupNeedsRedis(s) ? { ...s, env: { ...s.env, ...redisEnv(url, `bench-${layer}-${s.id}`) } } : s,
  )
}

/**
 * Starts the run's redis-server when any selected group needs it. When it cannot start (redis-server missing) the
 * Redis variants fail their own setup (their config needs REDIS_URL) and are listed invalid; the rest runs.
 */
export async function startOverheadRedis(
  specs: readonly GroupSpec[],
  cpu: number | null,
  progress: Progress,
): Promise<BenchRedis | null> {
  if (!specs.some(groupNeedsRedis)) return null
  try {
    return await startBenchRedis({ cpu })
  } catch (err) {
    progress.log(`redis-server did not start, Redis variants will be invalid: ${String(err).split('\n')[0]}`)
    return null
  }
}

export interface RedisTrips {
  variant: string
  requests: number
  ok: number
  /** Commands Redis executed during the sample, by name (INFO commandstats; script-internal calls included). */
  commands: Record<string, number>
  perRequest: number
}

/** Sequential GETs over every user's credential, INFO commandstats before and after, per Redis target. */
export async function countRedisTrips(
  groups: readonly Group[],
  redis: BenchRedis,
  requests: number,
): Promise<RedisTrips[]> {
  const out: RedisTrips[] = []
  for (const g of groups) {
    if (!groupNeedsRedis(g.spec) || !g.server.running) continue
    for (const t of g.targets) {
      if (g.spec.kind === 'floor' && t.id !== FLOOR_REDIS_ID) continue
      const before = await redis.commandCounts()
      let ok = 0
      for (let i = 0; i < requests; i++) {
        const res = await fetch(`${g.server.url}${t.path}`, {
          headers: t.credentials[i % Math.max(1, t.credentials.length)],
        })
        await res.arrayBuffer()
        if (res.status === 200) ok++
      }
      const commands = diffCommands(before, await redis.commandCounts())
      const total = Object.values(commands).reduce((a, b) => a + b, 0)
      out.push({ variant: t.id, requests, ok, commands, perRequest: total / requests })
    }
  }
  return out
}

export function redisTripsTable(rows: readonly RedisTrips[]): Table | null {
  if (rows.length === 0) return null
  return {
    title: 'Redis commands per GET (INFO commandstats around a sequential sample on the HTTP server)',
    columns: ['variant', 'requests (200)', 'Redis commands per request', 'by command'],
    rows: rows.map((r) => [
      r.variant,
      `${r.requests} (${r.ok})`,
      r.perRequest.toFixed(2),
      Object.entries(r.commands)
        .map(([k, v]) => `${k} ${(v / r.requests).toFixed(2)}`)
        .join(', ') || 'none',
    ]),
    notes: [
      'Taken after the measured rounds, so caches are warm. One command is one round trip except inside a script: EVALSHA counts once plus once per redis.call it makes (the session touch, at most once per touch interval per session).',
      'With REDIS_CLIENT_CACHE=1 a read served from process memory costs no command at all; a touch invalidates that session on every instance, so the next read goes to Redis again.',
    ],
  }
}
