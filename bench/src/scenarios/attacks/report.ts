/**
 * The attacks section of the report: every row produced by running a case (nothing typed by hand), the C11
 * contrast against the naive verifier, and the verdicts.
 */
import type { CaseResult } from '@auth-lab/attacks'
import type { Claim, ExperimentResult, Table, Verdict } from '../../report/schema.js'

export const CLAIMS: readonly Claim[] = [
  { id: 'C11', text: '"Algorithm confusion and missing verification are real attacks."' },
]

const APP_ORDER: Record<string, number> = { stateful: 0, stateless: 1, naive: 2 }

export function buildAttacksResult(results: readonly CaseResult[]): ExperimentResult {
  const real = results
    .filter((r) => r.app !== 'naive')
    .sort((a, b) => a.id.localeCompare(b.id) || APP_ORDER[a.app]! - APP_ORDER[b.app]!)
  const naive = results.filter((r) => r.app === 'naive')
  const passed = real.filter((r) => r.pass).length
  const catalogue: Table = {
    title: 'Catalogue cases against the real apps (each row produced by running the case)',
    columns: ['case', 'title', 'app', 'expected', 'observed', 'result'],
    rows: real.map((r) => [r.id, r.title, r.app, r.expected, r.observed, r.pass ? 'pass' : 'FAIL']),
    notes: [
      `${passed}/${real.length} pass. "NL" (nothing lost) = users unchanged incl. hashes, no unexpected rows, /health < 1 s, another user's credential still works.`,
      'Cases the design does not apply to are listed with the reason in docs/security.md ("Catalogue cases not applicable").',
    ],
  }
  const contrastRows = naive.map((n) => {
    const app = results.find((r) => r.id === n.id && r.app === 'stateless')
    return [
      n.id,
      n.title,
      app
        ? app.accepted.length === 0 && app.pass
          ? 'refused all'
          : `accepted: ${app.accepted.join(', ') || '(failed)'}`
        : 'not run',
      n.accepted.length === 0 ? 'refused all' : `ACCEPTED ${n.accepted.length}: ${n.accepted.join(', ')}`,
    ]
  })
  const contrast: Table = {
    title:
      'C11: the same forged tokens against the stateless app and a naive verifier (trusts alg and header keys, checks no claims)',
    columns: ['case', 'title', 'stateless app', 'naive verifier'],
    rows: contrastRows,
    notes: [
      'The naive verifier is in bench/src/naive-verifier only; it is configured with the same secret (HS256) or public key (RS256/ES256/EdDSA) as the app beside it.',
    ],
  }
  const naiveAccepted = naive.filter((n) => n.accepted.length > 0)
  const appAccepted = results.filter(
    (r) => r.app === 'stateless' && r.group === 'jwt' && r.accepted.length > 0,
  )
  const verdicts: Verdict[] = [
    {
      claim: 'C11',
      text:
        `The naive verifier accepted forged tokens in ${naiveAccepted.length} of ${naive.length} JWT cases ` +
        `(${naiveAccepted.map((n) => n.id).join(', ') || 'none'}); the stateless app accepted ${appAccepted.length === 0 ? 'none of them' : `some in ${appAccepted.map((r) => r.id).join(', ')}`}.`,
      status:
        naiveAccepted.length > 0 && appAccepted.length === 0
          ? 'supported'
          : naiveAccepted.length === 0
            ? 'refuted'
            : 'mixed',
    },
    {
      claim: 'catalogue',
      text: `${passed} of ${real.length} case runs pass against the real apps${
        passed === real.length
          ? ''
          : `; failing: ${real
              .filter((r) => !r.pass)
              .map((r) => `${r.id} [${r.app}]`)
              .join(', ')}`
      }.`,
      status: passed === real.length ? 'supported' : 'mixed',
    },
  ]
  return {
    id: 'attacks',
    title: 'Attacks: the security catalogue, run against both apps',
    claims: [...CLAIMS],
    method: [
      'Every case of `@auth-lab/attacks` (test/attacks: the same definitions `pnpm test` runs) is run against freshly started servers: ' +
        'child processes on loopback ports with temporary databases, fixture users seeded into the file first, ' +
        '`COOKIE_SECURE=1` cookies, cheap argon2 (256 KiB, t=1) except T03, which uses the real default cost.',
      '- JWT cases mint tokens with the test key (`JWT_SECRET`, or the key file the app persisted) or build them by hand for headers jose refuses to produce.',
      '- Short-timer cases use idle 3 s / absolute 7 s sessions, 2 s access tokens and 3 s / 7 s refresh lifetimes; they run side by side.',
      '- A case passes when every check holds: status, headers and error codes (never message text), plus the "nothing lost" DB check.',
      '- For C11 each JWT case also runs against a naive verifier that takes `alg` from the token, uses its configured key (a public PEM in asymmetric mode) as an HMAC secret, trusts `jwk`/`x5c`/`jku`, and checks no claims.',
    ].join('\n'),
    tables: [catalogue, contrast],
    charts: [],
    verdicts,
    // A failing case is a result (a FAIL row and the verdict), not a measurement to leave out.
    invalid: [],
    raw: { results },
  }
}
