import type { Cell, RunContext } from './schema.js'

/** Numbers as people read them in a table: thousands separated, at most 3 significant decimals below 10. */
export function formatCell(v: Cell): string {
  if (v === null || v === undefined) return '–'
  if (typeof v === 'string') return fontSafe(v)
  if (!Number.isFinite(v)) return String(v)
  const abs = Math.abs(v)
  if (abs >= 1000) return Math.round(v).toLocaleString('en-US')
  if (abs >= 100) return v.toFixed(0)
  if (abs >= 10) return v.toFixed(1).replace(/\.0$/, '')
  if (abs === 0) return '0'
  return v.toFixed(2).replace(/0$/, '').replace(/\.0$/, '')
}

export function formatBytes(n: number): string {
  if (n >= 1024 ** 3) return `${(n / 1024 ** 3).toFixed(1)} GiB`
  if (n >= 1024 ** 2) return `${(n / 1024 ** 2).toFixed(1)} MiB`
  if (n >= 1024) return `${(n / 1024).toFixed(1)} KiB`
  return `${n} B`
}

/** The "where and how was this measured" lines every report opens with. */
export function contextRows(ctx: RunContext): [string, string][] {
  const m = ctx.machine
  const o = ctx.options
  const flags = [
    o.quick ? '--quick' : null,
    `--scenario ${o.scenarios.join(',')}`,
    o.durationSec !== undefined ? `--duration ${o.durationSec}` : null,
    o.connections !== undefined ? `--connections ${o.connections}` : null,
    o.rounds !== undefined ? `--rounds ${o.rounds}` : null,
    o.variants ? `--variants ${o.variants.join(',')}` : null,
    o.pin ? null : '--no-pin',
  ].filter(Boolean)
  return [
    [
      'run',
      `${ctx.runId} (${ctx.date}${ctx.durationSec !== undefined ? `, took ${Math.round(ctx.durationSec)} s` : ''})`,
    ],
    ['machine', `${m.cpuModel}, ${m.cores} cores, ${formatBytes(m.memoryBytes)} RAM, ${m.os} ${m.arch}`],
    [
      'load average (1/5/15 min)',
      `at start ${m.loadAverage.join(' / ')}${m.loadAverageEnd ? `; at end ${m.loadAverageEnd.join(' / ')}` : ''} (counts the benchmark's own servers and load generator too; what else used the machine is the noise guard's "other work", in the overhead section)`,
    ],
    ['Node', m.node],
    [
      'packages',
      Object.entries(ctx.packages)
        .map(([k, v]) => `${k} ${v}`)
        .join(', '),
    ],
    [
      'git commit',
      ctx.git.commit
        ? `${ctx.git.commit.slice(0, 12)}${ctx.git.dirty ? ' (with uncommitted changes)' : ''}`
        : 'unknown',
    ],
    ['command', `pnpm bench ${flags.join(' ')}`],
    ['CPU pinning', ctx.pinning.note],
  ]
}

/**
 * Characters a reader's fonts may not have (full-width forms, CJK, Hangul) or that do not show at all (zero-width,
 * bidi controls, BOM) are written as `\uXXXX` escapes: a report row about a full-width username must not render as
 * empty boxes, nor may an RTL override reorder the cell it sits in.
 */
const NEEDS_ESCAPE =
  /[\u1100-\u11ff\u200b-\u200f\u202a-\u202e\u2060-\u2069\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\ufeff\uff00-\uffef]|[\ud840-\ud87f][\udc00-\udfff]/g

export function fontSafe(s: string): string {
  return s.replace(NEEDS_ESCAPE, (ch) => {
    const cp = ch.codePointAt(0) ?? 0
    return cp > 0xffff
      ? `\\u{${cp.toString(16).toUpperCase()}}`
      : `\\u${cp.toString(16).toUpperCase().padStart(4, '0')}`
  })
}
