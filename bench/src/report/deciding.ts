/**
 * "The one number that decides it": for each claim, the figure the summary shows, read from this run's raw data
 * (figures.ts) with its spread (min–max over rounds, events or readings). Null when the run has no such data — a
 * scenario can always say it itself in `Verdict.figure`, which takes precedence.
 */
import {
  attackFigures,
  inprocessAdded,
  lbFigures,
  memoryFigures,
  overheadFigures,
  restartFigures,
  reuseFigures,
  revocationFigures,
  rotationFigures,
  type Spread,
  sizeFigures,
  stormWaves,
  ttlFigures,
} from './figures.js'
import type { ResultsFile } from './schema.js'

const r0 = (n: number) => Math.round(n)
/** "+116 µs (102–129)": the median with its range; a negative one reads "−3 µs (−5 to −1)". */
export function us(s: Spread): string {
  const n = (x: number) => `${r0(x) < 0 ? '−' : ''}${Math.abs(r0(x))}`
  const sign = r0(s.median) < 0 ? '' : '+'
  const range = r0(s.min) < 0 || r0(s.max) < 0 ? `${n(s.min)} to ${n(s.max)}` : `${n(s.min)}–${n(s.max)}`
  return `${sign}${n(s.median)} µs (${range})`
}
const pct = (x: number) => `${Math.round(x * 1000) / 10} %`

export function decidingFigure(results: ResultsFile, id: string): string | null {
  const oh = overheadFigures(results)
  // The overhead claims are decided in-process (the verdict rule's layer); runs without that layer fall back to the
  // HTTP layer's server CPU, and the label says which one is shown. A variant invalid over HTTP only keeps its
  // in-process figure: the verdict does not depend on the HTTP layer.
  const inprocess = inprocessAdded(results)
  const inproc = inprocess.size > 0
  const v = (k: string) => {
    const added = inproc ? inprocess.get(k) : oh.get(k)?.cpuAddedUs
    return added ? { cpuAddedUs: added } : undefined
  }
  const per = inproc ? 'in-process µs/req over /public' : 'CPU/req over /public'
  switch (id) {
    case 'C1': {
      const jwt = v('stateless-hs256-none')
      const ses = v('stateful-sqlite')
      const redis = v('stateful-redis')
      return jwt && ses
        ? `${per}: HS256 JWT ${us(jwt.cpuAddedUs)} vs SQLite session ${us(ses.cpuAddedUs)}${redis ? `, Redis session ${us(redis.cpuAddedUs)}` : ''}`
        : null
    }
    case 'C4': {
      const sql = v('stateful-sqlite')
      const map = v('stateful-memory')
      const redis = v('stateful-redis')
      return sql && map
        ? `${per}: ${redis ? `Redis store ${us(redis.cpuAddedUs)}, ` : ''}SQLite store ${us(sql.cpuAddedUs)} vs in-process Map ${us(map.cpuAddedUs)}`
        : null
    }
    case 'C10': {
      const hs = v('stateless-hs256-none')
      if (!hs) return null
      const names = { es256: 'ES256', eddsa: 'EdDSA', rs256: 'RS256' } as const
      const others = (['es256', 'eddsa', 'rs256'] as const).flatMap((a) => {
        const x = v(`stateless-${a}`)
        return x ? [`${names[a]} ${us(x.cpuAddedUs)}`] : []
      })
      return others.length > 0 ? `${per}: ${others.join(', ')} vs HS256 ${us(hs.cpuAddedUs)}` : null
    }
    case 'C12': {
      const ses = v('stateful-sqlite')
      const checks = (['denylist', 'version'] as const).flatMap((m) => {
        const x = v(`stateless-hs256-${m}`)
        return x ? [`${m} ${us(x.cpuAddedUs)}`] : []
      })
      return ses && checks.length > 0
        ? `${per}: JWT + ${checks.join(', JWT + ')} vs SQLite session ${us(ses.cpuAddedUs)}`
        : null
    }
    case 'C2': {
      const rs = restartFigures(results)
      const parts = [...rs].map(([k, x]) => `${k} ${pct(x.okAfter.min)}`)
      return parts.length > 0 ? `still logged in after a restart (worst signal): ${parts.join(', ')}` : null
    }
    case 'C3': {
      const lb = lbFigures(results)
      const parts = [...lb]
        .filter(([k]) => k.endsWith('/round-robin'))
        .map(([k, x]) => `${k.replace('/round-robin', '')} ${pct(x)}`)
      return parts.length > 0 ? `/me served 2xx under round-robin: ${parts.join(', ')}` : null
    }
    case 'C5': {
      const rv = revocationFigures(results)
      const none = rv?.modes.get('stateless-none')
      if (!rv || !none) return null
      const s = none.acceptedForSec
      return `REVOCATION=none: old token accepted for ${s.median.toFixed(1)} s (${s.min.toFixed(1)}–${s.max.toFixed(1)}) after the event${rv.accessTtlSec ? ` (ACCESS_TTL ${rv.accessTtlSec} s)` : ''}`
    }
    case 'C6': {
      const rv = revocationFigures(results)
      if (!rv) return null
      const parts = ['stateless-denylist', 'stateless-version', 'stateful'].flatMap((m) => {
        const x = rv.modes.get(m)
        return x ? [`${m} ${x.accepted.max}`] : []
      })
      // The session cookie cache is the contrast (its window is its TTL), shown so "stateful 0" is not read as
      // every session design (review R8).
      const cc = rv.modes.get('stateful-cookie-cache')
      const contrast = cc
        ? `; for contrast, stateful-cookie-cache ${cc.accepted.max} (for ${cc.acceptedForSec.max.toFixed(1)} s)`
        : ''
      return parts.length > 0
        ? `replays accepted after the event (worst case): ${parts.join(', ')}${contrast}`
        : null
    }
    case 'C11': {
      const a = attackFigures(results)
      return a
        ? `forged-token cases accepted: naive verifier ${a.naiveAccepted} of ${a.cases}, the stateless app ${a.appAccepted} of ${a.cases}`
        : null
    }
    case 'C7': {
      // Strict rotation (no grace) with a deny-list: the races, and the victim who stays away.
      const strict = reuseFigures(results).filter((r) => r.graceSec === 0 && r.revocation === 'denylist')
      const races = strict.filter((r) => r.order !== 'victim-idle')
      const idle = strict.find((r) => r.order === 'victim-idle')
      if (races.length === 0) return null
      const most = Math.max(...races.map((r) => r.attackerTokens))
      return (
        `strict rotation: attacker's access tokens ≤ ${most} per race (${races.length} races), ` +
        `${idle ? `${idle.attackerTokens} while the victim stayed away; ` : ''}` +
        `family revoked in ${strict.filter((r) => r.familyDied).length} of ${strict.length}, victim logged out in ${strict.filter((r) => r.victimLoggedOut).length} of ${strict.length}`
      )
    }
    case 'C8': {
      const rows = ttlFigures(results)
      const short = rows[0]
      const long = rows.at(-1)
      if (!short || !long || short === long) return null
      const cpu = (r: (typeof rows)[number]) =>
        r.cpuResolved ? `${(r.cores * 100).toFixed(1)} % of a core` : 'CPU below resolution'
      return (
        `per 10,000 active users: ACCESS_TTL ${short.ttlSec} s → ${short.refreshesPerSec.toFixed(1)} refreshes/s, ${cpu(short)}, stolen token usable ≤ ${short.exposureSec} s; ` +
        `${long.ttlSec} s → ${long.refreshesPerSec.toFixed(1)}/s, ${cpu(long)}, ≤ ${long.exposureSec} s`
      )
    }
    case 'C9': {
      const z = sizeFigures(results)
      if (!z) return null
      const { small, large } = z
      const cpu = (p: typeof small) =>
        `${r0(p.cpuUsPerReq)}${p.cpuRange ? ` (${r0(p.cpuRange[0])}–${r0(p.cpuRange[1])})` : ''}`
      return (
        `JWT with ${small.dataBytes} → ${large.dataBytes} B of claims (${small.requestBytes} → ${large.requestBytes} B per request): ` +
        `${cpu(small)} → ${cpu(large)} µs server CPU/req, ${r0(small.rps)} → ${r0(large.rps)} req/s`
      )
    }
    case 'storm': {
      const waves = stormWaves(results)
      const plain = waves.find((w) => w.jitterSec === 0)
      const jittered = waves.find((w) => w.jitterSec > 0)
      if (!plain) return null
      return (
        `refreshes asked for when the tokens expired: peak ${Math.round(plain.peakDuePerSec)}/s without jitter` +
        (jittered
          ? `, ${Math.round(jittered.peakDuePerSec)}/s with ${jittered.jitterSec} s of jitter; failed: ${plain.failed + jittered.failed}`
          : `; failed: ${plain.failed}`)
      )
    }
    case 'rotation': {
      const f = rotationFigures(results)
      if (!f) return null
      const p = f.verifierPickupMs
      return (
        `failed requests across the key rotation: ${f.failed} of ${f.responses.toLocaleString('en-US')} (${f.configs} algorithms)` +
        (p
          ? `; the JWKS verifier took the new key after ${(p.median / 1000).toFixed(1)} s (${(p.min / 1000).toFixed(1)}–${(p.max / 1000).toFixed(1)}), refusing ${f.verifierRefusals.toLocaleString('en-US')} valid new-key token(s) until then`
          : '')
      )
    }
    case 'C13': {
      const m = memoryFigures(results)
      const mem = m?.heapBytesPerSession.get('stateful-memory')
      if (!m || mem === undefined) return null
      return `heap per in-memory session: ${memoryFigure(mem, m.resolutionBytes)} (at ${m.sessions.toLocaleString('en-US')} sessions)`
    }
    default:
      return null
  }
}

/**
 * A per-session byte figure, or the honest "below resolution" when it sits within the method's noise. A slope below
 * −resolution is no cost either: the heap shrank between the readings because something that is not per-session
 * state was freed (a fill left more transient memory at one reading than the ±2 MiB the resolution assumes), so it
 * is named as that, never printed as a negative per-session figure.
 */
export function memoryFigure(bytes: number, resolution: number): string {
  const res = Math.round(resolution)
  if (Math.abs(bytes) <= resolution) return `below the resolution of this method (±${res} B)`
  if (bytes < 0)
    return `no growth: the heap shrank by ${Math.round(-bytes)} B per session between the readings, more than the ±${res} B noise allowance (memory freed that was not per-session state)`
  return `${Math.round(bytes)} B (±${res} B)`
}
