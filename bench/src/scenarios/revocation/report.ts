/**
 * The revocation section of the report: how long each old credential kept working, next to what each mode costs
 * per request (from the overhead experiment of the same run, when it ran), and the C5/C6 verdicts.
 */
import type { Chart, Claim, ExperimentResult, Table, Verdict } from '../../report/schema.js'
import type { ReplayRow, RevocationModeId, RevocationSizes } from './measure.js'
import { MODES } from './measure.js'

export const CLAIMS: readonly Claim[] = [
  { id: 'C5', text: 'A JWT cannot be revoked before it expires.' },
  { id: 'C6', text: 'A deny-list or a token-version check makes JWT revocation immediate.' },
]

export interface ModeCost {
  ratio: number | null
  addedUs: number | null
  cpuUs: number | null
  readsPerReq: number | null
}

type Med = { median?: unknown } | null | undefined
const med = (s: Med) => (s && typeof s.median === 'number' ? s.median : null)

/** Per-request cost of each mode from this run's overhead experiment (empty when it did not run or was invalid). */
export function costsFromOverhead(
  previous: readonly ExperimentResult[],
): Partial<Record<RevocationModeId, ModeCost>> {
  const raw = previous.find((e) => e.id === 'overhead' && !e.error)?.raw as { variants?: unknown } | undefined
  const variants = Array.isArray(raw?.variants) ? (raw.variants as Record<string, unknown>[]) : []
  const out: Partial<Record<RevocationModeId, ModeCost>> = {}
  // Each mode's server configuration is an overhead variant of the same id (lib/configs.ts).
  for (const { id: mode, config } of MODES) {
    const v = variants.find((x) => x.id === config)
    if (v?.valid !== true) continue
    out[mode] = {
      ratio: med(v.ratio as Med),
      addedUs: med(v.addedUs as Med),
      cpuUs: med(v.cpuAddedUs as Med),
      readsPerReq: typeof v.readsPerReq === 'number' ? v.readsPerReq : null,
    }
  }
  return out
}

const sec = (ms: number | null) => (ms === null ? null : Math.round(ms / 100) / 10)

export function replayTable(
  rows: readonly ReplayRow[],
  costs: Partial<Record<RevocationModeId, ModeCost>>,
): Table {
  const haveCosts = Object.keys(costs).length > 0
  return {
    title: 'Old credential replayed on GET /me every 100 ms after the event',
    columns: [
      'mode',
      'event',
      'credential',
      'event answer',
      'replays accepted',
      'accepted for (s)',
      'refused after (s)',
      'token lifetime left at the event (s)',
      'old refresh token accepted',
      ...(haveCosts ? ['per-request cost: ratio to /public', 'added µs/req', 'store reads/req'] : []),
    ],
    rows: rows.map((r) => {
      const c = costs[r.mode]
      return [
        r.mode,
        r.event,
        r.holder === 'self' ? 'same device' : 'other device',
        String(r.eventStatus),
        r.accepted,
        sec(r.acceptedForMs),
        r.refusedAfterMs === null ? 'never (until TTL + slack)' : sec(r.refusedAfterMs),
        sec(r.remainingTtlMs),
        r.refreshAccepted === null ? 'n/a' : r.refreshAccepted ? 'yes' : 'no',
        ...(haveCosts
          ? [
              c?.ratio ?? null,
              c?.addedUs === null || c?.addedUs === undefined ? null : Math.round(c.addedUs),
              c?.readsPerReq ?? null,
            ]
          : []),
      ]
    }),
    notes: [
      '"same device": the credential of the browser that did the event; "other device": a second login of the same user, which logout-all and a password change are meant to end.',
      haveCosts
        ? 'Per-request cost columns come from the overhead experiment of this run (stateful = stateful-sqlite, stateless = HS256 variants).'
        : "Run `pnpm bench --scenario overhead,revocation` to see each mode's per-request cost next to its window.",
    ],
  }
}

export function windowChart(rows: readonly ReplayRow[]): Chart {
  const values = rows.map((r) => ({
    mode: r.mode,
    case: `${r.event} · ${r.holder === 'self' ? 'same device' : 'other device'}`,
    seconds: (r.acceptedForMs ?? 0) / 1000,
    accepted: r.accepted,
    label:
      r.accepted === 0
        ? `${r.mode}: refused at once`
        : `${r.mode}: ${(r.acceptedForMs / 1000).toFixed(1)} s, ${r.accepted} requests`,
  }))
  const order = MODES.map((m) => m.id)
  return {
    id: 'windows',
    title: 'How long the old credential kept working after the event',
    caption:
      'Seconds from the event to the last accepted replay (0 = refused at once). Hover for the number of accepted requests.',
    vegaLiteSpec: {
      $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
      data: { values },
      width: 520,
      height: { step: 18 },
      encoding: {
        y: { field: 'case', type: 'nominal', title: null, axis: { labelLimit: 320 } },
        yOffset: { field: 'mode', sort: order },
        x: {
          field: 'seconds',
          type: 'quantitative',
          title: 'seconds still accepted after the event',
          // Room on the right for the label of the longest bar.
          scale: { domain: [0, Math.max(1, ...values.map((v) => v.seconds)) * 1.45] },
        },
        color: { field: 'mode', type: 'nominal', sort: order, title: 'mode' },
        tooltip: [
          { field: 'mode' },
          { field: 'case' },
          { field: 'seconds', format: '.1f' },
          { field: 'accepted' },
        ],
      },
      layer: [
        { mark: 'bar' },
        // A label on every bar, so "refused at once" (0 s) is visible and not mistaken for "not measured".
        {
          mark: { type: 'text', align: 'left', dx: 3, fontSize: 12 },
          encoding: { text: { field: 'label' }, color: { value: '#333' } },
        },
      ],
    },
  }
}

export function revocationVerdicts(
  rows: readonly ReplayRow[],
  sizes: RevocationSizes,
  costs: Partial<Record<RevocationModeId, ModeCost>>,
): Verdict[] {
  const of = (mode: RevocationModeId) => rows.filter((r) => r.mode === mode)
  const longest = (mode: RevocationModeId) => Math.max(0, ...of(mode).map((r) => r.acceptedForMs))
  const anyAccepted = (mode: RevocationModeId) => of(mode).some((r) => r.accepted > 0)
  const v: Verdict[] = []
  const none = of('stateless-none')
  if (none.length > 0) {
    const logout = none.find((r) => r.event === 'logout')
    v.push({
      claim: 'C5',
      status: anyAccepted('stateless-none') ? 'supported' : 'refuted',
      text:
        `With REVOCATION=none an access token stayed usable after every event for up to ${sec(longest('stateless-none'))} s ` +
        `(ACCESS_TTL ${sizes.accessTtlSec} s` +
        (logout
          ? `; after logout ${logout.accepted} replays were accepted over ${sec(logout.acceptedForMs)} s`
          : '') +
        '): a pure JWT cannot be revoked before it expires — the window is the remaining lifetime, so keep ACCESS_TTL short.',
    })
  }
  const checked = (['stateless-denylist', 'stateless-version', 'stateful'] as const).filter(
    (m) => of(m).length > 0,
  )
  if (checked.length > 0) {
    const parts = checked.map((m) => {
      const open = of(m).filter((r) => r.accepted > 0)
      return open.length === 0
        ? `${m}: refused at once after every event`
        : `${m}: still accepted after ${open.map((r) => `${r.event} (${r.holder === 'self' ? 'same' : 'other'} device, ${sec(r.acceptedForMs)} s)`).join(', ')}`
    })
    const cost = (['stateless-none', 'stateless-denylist', 'stateless-version'] as const)
      .filter((m) => costs[m]?.ratio !== null && costs[m]?.ratio !== undefined)
      .map((m) => `${m} ${costs[m]?.ratio?.toFixed(2)}× /public`)
    v.push({
      claim: 'C6',
      status: checked.every((m) => !anyAccepted(m)) ? 'supported' : 'mixed',
      text:
        `${parts.join('; ')}. A per-request check (deny-list or token version) closes the window` +
        (cost.length > 0 ? `, at this run's cost of ${cost.join(', ')}` : '') +
        ' — and it is a store lookup per request, the very thing "stateless" was meant to avoid.',
    })
  }
  return v
}

/**
 * The session cookie cache's window (issue 11 item 8), measured: how long the old cookies kept answering after each
 * event, next to the snapshot lifetime left at the event (the window it should equal). Null when the mode did not run.
 */
export function cookieCacheFinding(rows: readonly ReplayRow[], sizes: RevocationSizes): string | null {
  const of = rows.filter((r) => r.mode === 'stateful-cookie-cache')
  if (of.length === 0) return null
  const cases = of.map((r) => {
    const left = r.remainingTtlMs === null ? '?' : sec(r.remainingTtlMs)
    const refused =
      r.refusedAfterMs === null
        ? 'never refused within the bound'
        : `refused after ${sec(r.refusedAfterMs)} s`
    return `${r.event} (${r.holder === 'self' ? 'same' : 'other'} device): accepted ${r.accepted}× for ${sec(r.acceptedForMs)} s, ${refused}; snapshot life left ${left} s`
  })
  return (
    `Session cookie cache (SESSION_COOKIE_CACHE=${sizes.cookieCacheTtlSec} s), the hybrid's revocation window (better-auth #6893): ` +
    `${cases.join('; ')}. The old cookies answer until the snapshot expires, whatever ended the session.`
  )
}

export function buildRevocationResult(
  rows: readonly ReplayRow[],
  sizes: RevocationSizes,
  previous: readonly ExperimentResult[],
): ExperimentResult {
  const costs = costsFromOverhead(previous)
  const cookieCache = cookieCacheFinding(rows, sizes)
  return {
    id: 'revocation',
    title: 'Revocation window after logout, logout-all and password change (C5, C6)',
    claims: [...CLAIMS],
    method: [
      `One server per mode: stateful (SQLite sessions) and stateless with REVOCATION=none, denylist, version, all with ACCESS_TTL=${sizes.accessTtlSec} s and CLOCK_TOLERANCE=0 `,
      '(production keeps a few seconds of tolerance, which lengthens every window by as much). ',
      'For each event a fresh user logs in twice (two devices); device 1 does the event (`POST /auth/logout`, `/auth/logout-all`, or `/auth/password`); ',
      `then the old credentials are replayed on \`/me\` every ${sizes.intervalMs} ms until the first refusal or until ACCESS_TTL + ${sizes.slackSec} s. `,
      'Afterwards the old refresh token (stateless) is tried once on `/auth/refresh`. All modes and events run at the same time.',
      sizes.modes.includes('stateful-cookie-cache')
        ? ` The stateful-cookie-cache mode is the SQLite session with a signed snapshot cookie (SESSION_COOKIE_CACHE=${sizes.cookieCacheTtlSec} s); each device's first \`/me\` after login picks the snapshot up, as a browser does, and the replays send it.`
        : '',
    ].join(''),
    tables: [replayTable(rows, costs)],
    charts: [windowChart(rows)],
    verdicts: revocationVerdicts(rows, sizes, costs),
    invalid: rows
      .filter((r) => r.eventStatus === 'error' || (typeof r.eventStatus === 'number' && r.eventStatus >= 300))
      .map((r) => ({
        variant: `${r.mode} ${r.event}`,
        reason: `the event request answered ${r.eventStatus}`,
      })),
    notes: [
      'Servers are not pinned to cores in this experiment: it measures how long a credential stays usable, not CPU.',
      ...(cookieCache ? [cookieCache] : []),
    ],
    raw: { sizes, rows, costs },
  }
}
