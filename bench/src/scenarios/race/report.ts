/**
 * The race section: logouts per combination (table and chart) and the verdict, computed from the counts: the bug
 * is real if strict rotation without coordination logs tabs out; a fix works if it logs none out.
 */
import type { RaceCombination } from '@auth-lab/test/e2e'
import { RACE_METHOD } from '@auth-lab/test/e2e'
import type { Claim, ExperimentResult, Verdict } from '../../report/schema.js'
import type { RaceMeasurement, RaceSizes } from './measure.js'

export const CLAIMS: readonly Claim[] = [
  {
    id: 'race',
    text: '"Under strict refresh-token rotation, tabs that refresh at once log each other out; client coordination (and a server grace window) fix it."',
  },
]

const label = (c: RaceCombination) =>
  c.grace === 0
    ? c.client === 'no coordination'
      ? 'strict'
      : 'Web Locks'
    : c.client === 'no coordination'
      ? 'grace'
      : 'both'

const base = (sizes: RaceSizes) => ({
  id: 'race',
  title: 'The multi-tab refresh race (real browser tabs)',
  claims: [...CLAIMS],
  method: [
    `${RACE_METHOD}`,
    `- ${sizes.tabs} tabs × ${sizes.trials} trials per combination, in headless Chromium (the system package, driven by playwright-core) against the lab front and the stateless app with REVOCATION=denylist, restarted with REFRESH_GRACE=0 (strict rotation) or 10.`,
    '- Combinations: **strict** (no coordination, REFRESH_GRACE=0), **Web Locks** (one tab refreshes under navigator.locks and posts the token on a BroadcastChannel), **grace** (no coordination, REFRESH_GRACE=10), **both**.',
  ].join('\n'),
})

export function buildRaceResult(m: RaceMeasurement, sizes: RaceSizes): ExperimentResult {
  const rows = m.combinations.map((c) => [
    label(c),
    c.client,
    c.grace,
    `${c.tabs} × ${c.trials}`,
    c.familyKilledTrials,
    c.logouts,
    c.tabs * c.trials,
    c.refusedRefreshes,
  ])
  const find = (l: string) => m.combinations.find((c) => label(c) === l)
  const strict = find('strict')
  const fixes = ['Web Locks', 'grace', 'both'].map((l) => ({ l, c: find(l) }))
  const zero = fixes.filter((f) => f.c && f.c.logouts === 0).map((f) => f.l)
  const nonzero = fixes.filter((f) => f.c && f.c.logouts > 0)
  const bugReal = !!strict && strict.logouts > 0
  const verdicts: Verdict[] = [
    {
      claim: 'race',
      text:
        `Strict rotation without coordination logged out ${strict?.logouts ?? 0} of ${strict ? strict.tabs * strict.trials : 0} tabs ` +
        `(the family died in ${strict?.familyKilledTrials ?? 0} of ${strict?.trials ?? 0} trials); ` +
        `0 logouts with ${zero.join(', ') || 'no fix'}` +
        (nonzero.length
          ? `; still > 0 with ${nonzero.map((f) => `${f.l} (${f.c?.logouts})`).join(', ')}`
          : '') +
        '.',
      status:
        bugReal && zero.includes('Web Locks') && nonzero.length === 0
          ? 'supported'
          : bugReal
            ? 'mixed'
            : 'refuted',
      figure: `${strict?.logouts ?? 0} vs ${find('Web Locks')?.logouts ?? '–'} logouts`,
    },
  ]
  return {
    ...base(sizes),
    tables: [
      {
        title: 'Tabs logged out, per combination',
        columns: [
          'combination',
          'client',
          'REFRESH_GRACE',
          'tabs × trials',
          'trials where the family died',
          'tabs logged out',
          'of',
          'refreshes refused',
        ],
        rows,
        notes: [`Measured in ${m.browser}.`],
      },
    ],
    charts: [
      {
        id: 'logouts',
        title: 'Tabs logged out per combination',
        vegaLiteSpec: {
          $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
          data: { values: m.combinations.map((c) => ({ combination: label(c), logouts: c.logouts })) },
          mark: 'bar',
          encoding: {
            x: {
              field: 'combination',
              type: 'nominal',
              sort: ['strict', 'Web Locks', 'grace', 'both'],
              title: null,
            },
            y: {
              field: 'logouts',
              type: 'quantitative',
              title: `tabs logged out (of ${sizes.tabs * sizes.trials})`,
            },
          },
          width: 320,
          height: 180,
        },
        caption: 'Strict rotation with no coordination vs each fix: 0 is the goal.',
      },
    ],
    verdicts,
    notes: [
      'The grace window covers only the token rotated last: a tab whose refresh lands after a second rotation still trips reuse detection, so it is a mitigation for clients you do not control, not a guarantee.',
    ],
    invalid: [],
    raw: m,
  }
}

/** No browser on this machine: an invalid entry with the reason, never a number. */
export function raceSkipped(sizes: RaceSizes, reason: string): ExperimentResult {
  return {
    ...base(sizes),
    tables: [],
    charts: [],
    verdicts: [{ claim: 'race', text: `Not measured: ${reason}.`, status: 'inconclusive' }],
    invalid: [{ variant: 'all combinations', reason }],
    raw: { skipped: reason },
  }
}
