import { Counter, type Registry } from 'prom-client'
import type { Metrics } from './metrics.js'

/**
 * Hit and miss counts of one in-process cache (the stateless app's verified-token cache, the stateful app's session
 * cookie cache). Plain numbers on the hot path, like StoreCounters; /metrics exports every cache of an app as
 * `auth_lab_cache_lookups_total{cache, result="hit"|"miss"}`, which is what the benchmark scrapes for the hit rate.
 */
export class CacheCounters {
  hits = 0
  misses = 0

  /** hits ÷ lookups, or null before the first lookup. */
  hitRate(): number | null {
    const n = this.hits + this.misses
    return n === 0 ? null : this.hits / n
  }
}

const caches = new WeakMap<Registry, Map<string, CacheCounters>>()

/** The counters of cache `name` on this app's registry, registering the metric on first use. */
export function cacheCounters(metrics: Pick<Metrics, 'registry'>, name: string): CacheCounters {
  let byName = caches.get(metrics.registry)
  if (!byName) {
    const all = new Map<string, CacheCounters>()
    byName = all
    caches.set(metrics.registry, all)
    new Counter({
      name: 'auth_lab_cache_lookups_total',
      help: 'In-process cache lookups by cache and result (hit | miss)',
      labelNames: ['cache', 'result'],
      registers: [metrics.registry],
      collect() {
        this.reset()
        for (const [cache, c] of all) {
          this.inc({ cache, result: 'hit' }, c.hits)
          this.inc({ cache, result: 'miss' }, c.misses)
        }
      },
    })
  }
  let counters = byName.get(name)
  if (!counters) {
    counters = new CacheCounters()
    byName.set(name, counters)
  }
  return counters
}
