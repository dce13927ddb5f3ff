/**
 * The reuse section of the report: how many access tokens a thief holding a copied refresh token obtains, how long
 * the family lives, and whether the victim pays with a logout — and the C7 verdict.
 */
import { smokeVerdicts } from '../../lib/smoke.js'
import type { Chart, Claim, ExperimentResult, Table, Verdict } from '../../report/schema.js'
import type { RefreshEvent, ReuseRow, ReuseSizes } from './measure.js'

export const CLAIMS: readonly Claim[] = [
  { id: 'C7', text: 'Refresh-token rotation makes a stolen refresh token usable once.' },
]

const sec = (ms: number | null) => (ms === null ? null : Math.round(ms / 100) / 10)

/** `A✔ V✘reused …`: who refreshed, in order, and how it ended. */
export function sequence(events: readonly RefreshEvent[]): string {
  return events
    .map(
      (e) =>
        `${e.party === 'attacker' ? 'A' : 'V'}${e.status === 200 ? '✔' : `✘${e.code === 'refresh_token_reused' ? 'reused' : ''}`}`,
    )
    .join(' ')
}

export function reuseTable(rows: readonly ReuseRow[]): Table {
  return {
    title: 'Attacker and victim presenting the same refresh token',
    columns: [
      'variant',
      'REVOCATION',
      'order',
      'access tokens the attacker obtained',
      'family revoked after (s)',
      'reuse revealed by',
      'victim logged out',
      "attacker's last access token at the end",
      'refreshes in order',
    ],
    rows: rows.map((r) => [
      r.variant,
      r.revocation,
      r.order,
      r.attackerTokens,
      sec(r.familyDiedMs),
      r.detectedBy ?? 'never',
      r.victimLoggedOut ? 'yes' : 'no',
      r.attackerAccessAtEnd === null ? 'none obtained' : String(r.attackerAccessAtEnd),
      sequence(r.events),
    ]),
    notes: [
      'A = attacker, V = victim; ✔ a new pair, ✘reused = 401 refresh_token_reused (the family is revoked), ✘ = 401 invalid_refresh_token.',
      '"family revoked after" counts from the first use of the stolen token; in victim-idle it is how long the victim stayed away.',
      "The last column probes GET /me with the attacker's newest access token after the follow-ups: 401 = cut with the family.",
    ],
  }
}

export function reuseChart(rows: readonly ReuseRow[]): Chart {
  const values = rows.map((r) => ({
    variant: r.variant,
    order: r.order,
    tokens: r.attackerTokens,
    label: `${r.variant}: ${r.attackerTokens}`,
  }))
  return {
    id: 'attacker-tokens',
    title: 'Access tokens the attacker obtained with one stolen refresh token',
    caption: 'One bar per server variant and race order; the label is the count (0 = the thief got nothing).',
    vegaLiteSpec: {
      $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
      data: { values },
      width: 480,
      height: { step: 14 },
      encoding: {
        y: { field: 'order', type: 'nominal', title: null },
        yOffset: { field: 'variant' },
        x: {
          field: 'tokens',
          type: 'quantitative',
          title: 'access tokens obtained by the attacker',
          scale: { domain: [0, Math.max(1, ...values.map((v) => v.tokens)) * 1.4] },
        },
        color: { field: 'variant', type: 'nominal', title: 'server' },
        tooltip: [{ field: 'variant' }, { field: 'order' }, { field: 'tokens' }],
      },
      layer: [
        { mark: { type: 'bar', tooltip: true } },
        {
          mark: { type: 'text', align: 'left', dx: 3, fontSize: 10 },
          encoding: { text: { field: 'label' }, color: { value: '#333' } },
        },
      ],
    },
  }
}

export function reuseVerdicts(rows: readonly ReuseRow[]): Verdict[] {
  const strict = rows.filter((r) => r.graceSec === 0 && r.revocation !== 'none')
  if (strict.length === 0) return []
  const race = strict.filter((r) => r.order !== 'victim-idle')
  const idle = strict.find((r) => r.order === 'victim-idle')
  const maxRace = Math.max(0, ...race.map((r) => r.attackerTokens))
  const allDied = strict.every((r) => r.familyDiedMs !== null)
  const victimOut = strict.filter((r) => r.victimLoggedOut).length
  const graced = rows.filter((r) => r.graceSec > 0 && r.order !== 'victim-idle')
  const maxGraced = Math.max(0, ...graced.map((r) => r.attackerTokens))
  const none = rows.filter((r) => r.revocation === 'none' && r.attackerAccessAtEnd === 200)
  const status: Verdict['status'] =
    maxRace > 1 || !allDied ? 'refuted' : idle && idle.attackerTokens > 1 ? 'mixed' : 'supported'
  const parts = [
    `Strict rotation: in the races (attacker first, victim first, simultaneous) the attacker got at most ${maxRace} access token(s) and the family was revoked ${allDied ? 'every time' : 'not every time'}, at the second presentation of the stolen token`,
    idle
      ? `but while the victim stayed away the attacker rotated at will (${idle.attackerTokens} tokens in ${sec(idle.familyDiedMs)} s), until the victim's return revealed the reuse`
      : '',
    `the victim was logged out in ${victimOut} of ${strict.length} cases — the price of detection`,
    graced.length > 0
      ? `with REFRESH_GRACE the second presenter gets a sibling instead, so the attacker got up to ${maxGraced} token(s) before the family died`
      : '',
    none.length > 0
      ? `under REVOCATION=none the attacker's last access token still answered 200 after the family died (it lives to its exp)`
      : '',
  ].filter((p) => p !== '')
  return [
    {
      claim: 'C7',
      status,
      text: `${parts.join('; ')}. "Usable once" holds for a race, not for a thief who moves first while the device is idle: rotation detects the theft only when the victim refreshes again.`,
    },
  ]
}

export function buildReuseResult(
  rows: readonly ReuseRow[],
  sizes: ReuseSizes,
  quick: boolean,
): ExperimentResult {
  return {
    id: 'reuse',
    title: 'Stolen refresh token: reuse race under rotation (C7)',
    claims: [...CLAIMS],
    method: [
      `One stateless server per variant (${sizes.variants.map((v) => `\`${v.id}\``).join(', ')}): REFRESH_GRACE=0 is strict rotation, `,
      'a grace window lets the most recently rotated token be replayed once more for a sibling (two tabs). ',
      'Per case a fresh user logs in (the victim) and the attacker copies only the refresh cookie. Orders: ',
      `attacker first then the victim ${sizes.gapMs} ms later, victim first, both at once, and victim-idle (the attacker rotates ${sizes.idleRotations} times, ${sizes.gapMs} ms apart, before the victim comes back). `,
      `After the race each party keeps refreshing its own chain, ${sizes.followUps} rounds ${sizes.gapMs} ms apart, until refused; `,
      "finally each party's newest access token is tried on `GET /me`. Every case of every server runs at once.",
    ].join(''),
    tables: [reuseTable(rows)],
    charts: [reuseChart(rows)],
    verdicts: smokeVerdicts(reuseVerdicts(rows), quick),
    invalid: rows
      .filter((r) => r.events.some((e) => e.status === 'error'))
      .map((r) => ({ variant: `${r.variant} ${r.order}`, reason: 'a refresh got no HTTP answer' })),
    notes: [
      'The gaps stand in for access-token lifetimes: a real client refreshes once per ACCESS_TTL, so "family revoked after 1.8 s" here means after that many refresh periods in production.',
    ],
    raw: { sizes, rows },
  }
}
