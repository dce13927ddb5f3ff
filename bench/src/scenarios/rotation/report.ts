/**
 * The rotation section: `keys rotate` under load for RS256/ES256/EdDSA — errors under load, old tokens until their
 * exp, and how long a JWKS-consuming verifier refuses the new key's tokens.
 */
import { smokeVerdicts } from '../../lib/smoke.js'
import type { Chart, Claim, ExperimentResult, InvalidEntry, Table, Verdict } from '../../report/schema.js'
import type { RotationRow, RotationSizes } from './measure.js'

export const CLAIMS: readonly Claim[] = [
  {
    id: 'rotation',
    text: 'Signing keys can be rotated under load with no failed request, old tokens verifying until they expire.',
  },
]

const sec = (ms: number | null) => (ms === null ? null : Math.round(ms / 100) / 10)

export function rotationTable(rows: readonly RotationRow[]): Table {
  return {
    title: '`keys rotate` while GET /me runs under load',
    columns: [
      'config',
      'requests under load',
      'non-2xx / errors',
      'server signs with the new key after (s)',
      'JWKS verifier accepts the new key after (s)',
      'new-key tokens the verifier refused first',
      'old token on the verifier after rotation',
      'old token on /me just before its exp',
      'just after its exp',
    ],
    rows: rows.map((r) => [
      r.config,
      r.load.responses,
      `${r.load.non2xx} / ${r.load.errors + r.load.timeouts}`,
      sec(r.serverPickupMs),
      r.verifierPickupMs === null ? 'never (within cooldown + 8 s)' : sec(r.verifierPickupMs),
      r.verifierRefusals > 0 ? `${r.verifierRefusals} (${r.verifierRefusalCode})` : 0,
      r.oldOnVerifierOk ? 'accepted' : 'refused',
      String(r.oldBeforeExp),
      String(r.oldAfterExp),
    ]),
    notes: [
      'Times count from the moment the new key reached the key file (its mtime).',
      `The verifier is a separate process using jose createRemoteJWKSet with a refetch cooldown of ${sec(rows[0]?.cooldownMs ?? null)} s; it cached the key set at its first verification, before the rotation.`,
    ],
  }
}

export function rotationChart(rows: readonly RotationRow[]): Chart {
  const values = rows.flatMap((r) => [
    { config: r.config, who: 'app signs with the new key', seconds: sec(r.serverPickupMs) ?? 0 },
    { config: r.config, who: 'JWKS verifier accepts it', seconds: sec(r.verifierPickupMs) ?? 0 },
  ])
  return {
    id: 'pickup',
    title: 'Seconds from `keys rotate` until the new key is used',
    caption:
      'Per algorithm: when the app (KEY_RELOAD_INTERVAL=1) signs with the new key, and when the JWKS consumer first accepts such a token.',
    vegaLiteSpec: {
      $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
      data: { values },
      width: 480,
      height: { step: 16 },
      encoding: {
        y: { field: 'config', type: 'nominal', title: null },
        yOffset: { field: 'who' },
        x: { field: 'seconds', type: 'quantitative', title: 'seconds after the rotation' },
        color: { field: 'who', type: 'nominal', title: null },
        tooltip: [{ field: 'config' }, { field: 'who' }, { field: 'seconds', format: '.1f' }],
      },
      layer: [
        { mark: { type: 'bar', tooltip: true } },
        {
          mark: { type: 'text', align: 'left', dx: 3, fontSize: 10 },
          encoding: { text: { field: 'seconds', format: '.1f' }, color: { value: '#333' } },
        },
      ],
    },
  }
}

export function rotationInvalid(rows: readonly RotationRow[]): InvalidEntry[] {
  return rows.flatMap((r) => {
    if (r.rotateExit !== 0) return [{ variant: r.config, reason: `keys rotate exited ${r.rotateExit}` }]
    if (!r.loadSpannedRotation)
      return [
        {
          variant: r.config,
          reason: 'the load ended before the new key reached the disk (machine too slow)',
        },
      ]
    return []
  })
}

export function rotationVerdicts(rows: readonly RotationRow[]): Verdict[] {
  const valid = rows.filter((r) => rotationInvalid([r]).length === 0)
  if (valid.length === 0) return []
  const failed = valid.filter((r) => r.load.non2xx + r.load.errors + r.load.timeouts > 0)
  const oldOk = valid.filter((r) => r.oldOnVerifierOk && r.oldBeforeExp === 200 && r.oldAfterExp === 401)
  const early = valid.filter((r) => r.oldBeforeExp === 401)
  const picked = valid.filter((r) => r.verifierPickupMs !== null)
  const worst = Math.max(0, ...picked.map((r) => r.verifierPickupMs ?? 0))
  const refused = valid.reduce((n, r) => n + r.verifierRefusals, 0)
  const ok = failed.length === 0 && oldOk.length === valid.length && picked.length === valid.length
  return [
    {
      claim: 'rotation',
      status: ok ? 'supported' : 'mixed',
      text: [
        `${valid.map((r) => r.config).join(', ')}: ${failed.length === 0 ? '0' : failed.map((r) => `${r.config} ${r.load.non2xx} non-2xx`).join(', ')} failed requests under load across \`keys rotate\``,
        `old tokens verified until their exp and were refused right after in ${oldOk.length} of ${valid.length}`,
        early.length > 0
          ? `${early.map((r) => r.config).join(', ')}: an old-key token signed after the rotation (before the app reloaded the key file) was refused before its exp — the old key's retention counts from the file's change, not from the app's reload`
          : '',
        `the JWKS verifier accepted new-key tokens ${sec(worst)} s after the rotation at worst` +
          (refused > 0
            ? `, refusing ${refused} valid new-key token(s) first (its key set was cached and its refetch cooldown not over)`
            : ''),
      ]
        .filter((p) => p !== '')
        .join('; ')
        .concat('.'),
    },
  ]
}

export function buildRotationResult(
  rows: readonly RotationRow[],
  sizes: RotationSizes,
  quick: boolean,
): ExperimentResult {
  const cooldown =
    sizes.cooldownMs === null ? "jose's default 30 s" : `${sizes.cooldownMs / 1000} s (shortened for --quick)`
  return {
    id: 'rotation',
    title: 'Signing-key rotation under load (RS256, ES256, EdDSA)',
    claims: [...CLAIMS],
    method: [
      `One stateless server per algorithm (${sizes.configs.map((c) => `\`${c}\``).join(', ')}), ACCESS_TTL=${sizes.accessTtlSec} s, CLOCK_TOLERANCE=0, KEY_RELOAD_INTERVAL=1 s. `,
      `A second process verifies tokens from \`/.well-known/jwks.json\` only (jose \`createRemoteJWKSet\`, refetch cooldown ${cooldown}) and caches the key set by verifying one token first. `,
      `${sizes.users} users log in; autocannon loads \`GET /me\` with their tokens (${sizes.connections} connections) while the real \`keys rotate\` CLI runs ${sizes.leadSec} s in, `,
      `and stops ${sizes.tailSec} s after the app signs with the new key. Every 100 ms a probe user refreshes; its token goes to the verifier together with an old-key token. `,
      'Finally the newest old-key token is tried on `/me` just before and just after its exp. All algorithms run at once.',
    ].join(''),
    tables: [rotationTable(rows)],
    charts: [rotationChart(rows)],
    verdicts: smokeVerdicts(rotationVerdicts(rows), quick),
    invalid: rotationInvalid(rows),
    notes: [
      'A JWKS consumer refuses a new kid until its cooldown allows a refetch: publish the next key in the JWKS before signing with it (or keep cooldowns short) so resource servers never see an unknown kid.',
    ],
    raw: { sizes, rows },
  }
}
