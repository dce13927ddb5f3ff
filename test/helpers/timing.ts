import type { Adapter } from './adapters.js'
import { median, percentile } from './http-client.js'
import type { AppServer } from './server.js'

/**
 * Login timing for an existing user (wrong password) against an unknown user, measured as interleaved pairs in
 * alternating order so load drift hits both sides alike. Use at the real argon2 cost: the point is that an unknown
 * name costs the same argon2 work (a dummy verify) as a known one.
 */
export interface TimingSample {
  existing: number[]
  unknown: number[]
  medianExisting: number
  medianUnknown: number
  p90Existing: number
  p90Unknown: number
  /** The catalogue's bound (T03): max(25 ms, 20 % of the existing-user median). */
  limit: number
  ok: boolean
}

export async function sampleLoginTiming(
  adapter: Adapter,
  server: AppServer,
  opts: { known: string; unknown: string; pairs: number },
): Promise<TimingSample> {
  for (let k = 0; k < 3; k++) {
    await adapter.login(server, opts.known, 'warm-up-password')
    await adapter.login(server, opts.unknown, 'warm-up-password')
  }
  const existing: number[] = []
  const unknown: number[] = []
  for (let k = 0; k < opts.pairs; k++) {
    const order = k % 2 ? [opts.known, opts.unknown] : [opts.unknown, opts.known]
    for (const u of order) {
      const { res } = await adapter.login(server, u, `wrong-password-${k}`)
      if (res.status !== 401) throw new Error(`timing login for ${u}: ${res.status}`)
      ;(u === opts.known ? existing : unknown).push(res.ms)
    }
  }
  const medianExisting = median(existing)
  const medianUnknown = median(unknown)
  const limit = Math.max(25, 0.2 * medianExisting)
  return {
    existing,
    unknown,
    medianExisting,
    medianUnknown,
    p90Existing: percentile(existing, 90),
    p90Unknown: percentile(unknown, 90),
    limit,
    ok: Math.abs(medianExisting - medianUnknown) < limit,
  }
}

/**
 * Measures, and once more if the first sample misses the bound: a burst of load from other suites can skew one
 * sample on a shared 2-core box, while a real leak (no argon2 work for unknown names) fails both.
 */
export async function loginTimingCheck(
  adapter: Adapter,
  server: AppServer,
  opts: { known: string; unknown: string; pairs: number },
): Promise<TimingSample[]> {
  const first = await sampleLoginTiming(adapter, server, opts)
  return first.ok ? [first] : [first, await sampleLoginTiming(adapter, server, opts)]
}

export function describeTiming(s: TimingSample): string {
  return `median ${s.medianExisting.toFixed(1)} vs ${s.medianUnknown.toFixed(1)} ms (limit ${s.limit.toFixed(1)}), p90 ${s.p90Existing.toFixed(1)} vs ${s.p90Unknown.toFixed(1)} ms`
}
