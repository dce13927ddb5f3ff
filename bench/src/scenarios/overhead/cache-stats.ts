/**
 * Hit rates of the two caches (issue 11 items 7–8) in the overhead experiment: each server's
 * `auth_lab_cache_lookups_total{cache, result}` scraped once after the last round, so the figure covers the whole
 * experiment on that server (warm-ups included). A variant without a cache has no row.
 */
import { fetchMetrics, parsePrometheus } from '../../lib/metrics-scrape.js'
import type { Table } from '../../report/schema.js'
import type { Group } from './variants.js'

export interface CacheStat {
  variant: string
  cache: string
  hits: number
  misses: number
  /** hits ÷ (hits + misses); null when there was no lookup. */
  hitRate: number | null
}

export async function scrapeCacheStats(groups: readonly Group[]): Promise<CacheStat[]> {
  const out: CacheStat[] = []
  for (const g of groups) {
    if (g.spec.kind === 'floor' || !g.server.running) continue
    try {
      const res = await fetchMetrics(g.server.url)
      if (res.status !== 200) continue
      const byCache = new Map<string, { hits: number; misses: number }>()
      for (const s of parsePrometheus(await res.text())) {
        if (s.name !== 'auth_lab_cache_lookups_total' || !s.labels.cache) continue
        const c = byCache.get(s.labels.cache) ?? { hits: 0, misses: 0 }
        if (s.labels.result === 'hit') c.hits += s.value
        else if (s.labels.result === 'miss') c.misses += s.value
        byCache.set(s.labels.cache, c)
      }
      for (const [cache, c] of byCache) {
        const n = c.hits + c.misses
        out.push({ variant: g.spec.id, cache, ...c, hitRate: n === 0 ? null : c.hits / n })
      }
    } catch {
      // A server that died mid-run is already an invalid variant; its hit rate is simply absent.
    }
  }
  return out
}

export function cacheTable(stats: readonly CacheStat[]): Table | null {
  if (stats.length === 0) return null
  return {
    title: 'Cache hit rate (verified-token cache, session cookie cache), whole experiment per server',
    columns: ['variant', 'cache', 'hits', 'misses', 'hit rate'],
    rows: stats.map((s) => [
      s.variant,
      s.cache,
      s.hits,
      s.misses,
      s.hitRate === null ? '–' : `${(s.hitRate * 100).toFixed(2)} %`,
    ]),
    notes: [
      'Every connection is a different user and sends the same credential throughout, so after its first request each one hits; misses ≈ one per user plus the warm-up, which is the best case a cache can see. A real client mix (new tokens every ACCESS_TTL, snapshots every SESSION_COOKIE_CACHE seconds) hits less.',
    ],
  }
}
