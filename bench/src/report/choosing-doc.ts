/**
 * docs/choosing.md and a results.json must agree. The convention: every measured figure in choosing.md lives in a
 * generated block
 *
 *   <!-- generated:NAME (pnpm bench:choosing) -->
 *   …produced from results.json, never edited by hand…
 *   <!-- /generated:NAME -->
 *
 * and the hand-written prose around the blocks quotes no figure: outside the blocks a digit may appear only in a
 * claim id (C1…C13), in a link target, or in a `code span` that names something (an identifier, `NAME=value`, an
 * issue reference) — never a bare number or a measurement. Only the known block names count as blocks.
 * `checkChoosing` enforces both halves; the test runs it against the committed docs/sample-report/results.json.
 */
import { CAPACITY_TITLE, capacityBody, mdTable } from './capacity-render.js'
import type { ResultsFile } from './schema.js'
import { slug } from './slug.js'
import { buildSummary } from './summary.js'
import { chooseMarkdown } from './summary-render.js'

export const BLOCK_NAMES = ['run', 'claims', 'choose', 'capacity'] as const
export type BlockName = (typeof BLOCK_NAMES)[number]

const open = (n: string) => `<!-- generated:${n} (pnpm bench:choosing) -->`
const close = (n: string) => `<!-- /generated:${n} -->`
const REPORT = 'sample-report/report.md'

/** The content of every generated block for this results.json. */
export function generatedBlocks(results: ResultsFile): Record<BlockName, string> {
  const ctx = results.context
  const s = buildSummary(results)
  const run = [
    `Figures below come from \`docs/sample-report/results.json\`: run \`${ctx.runId}\` (${ctx.date.slice(0, 10)}), ` +
      `${ctx.options.quick ? '**a smoke run (`--quick`): figures only, no verdicts**' : 'a full run'}, ` +
      `on ${ctx.machine.cpuModel} with ${ctx.machine.cores} cores, Node ${ctx.machine.node}` +
      `${ctx.git.commit ? `, commit \`${ctx.git.commit.slice(0, 12)}\`` : ''}. ` +
      noisyNote(results) +
      `Regenerate with \`pnpm bench:choosing <results.json>\` after a new run.`,
  ].join('\n')
  const claims = [
    '| claim | this run’s verdict | the number that decides it (median, min–max) | where |',
    '|---|---|---|---|',
    ...s.rows.map(
      (r) =>
        `| **${r.id}** ${cell(r.claim)} | ${cell(r.verdict)} | ${cell(r.figure ?? '–')} | ${r.section ? `[section](${REPORT}#${slug(r.section)})` : '–'} |`,
    ),
  ].join('\n')
  const choose = chooseMarkdown(s, false).join('\n').trim()
  const capacity = [
    capacityBody(
      results,
      (t) => mdTable({ ...t, title: t.title }).replace(/^### /, '#### '),
      (p) => p,
      (items) => items.map((i) => `- ${i}`).join('\n'),
    ),
    '',
    `The same model is the last section of the report: [${CAPACITY_TITLE}](${REPORT}#${slug(CAPACITY_TITLE)}).`,
  ].join('\n')
  return { run, claims, choose, capacity }
}

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ')

/** Replaces every block's content; throws when a block's markers are missing, so a generator never half-writes. */
export function applyBlocks(doc: string, blocks: Record<BlockName, string>): string {
  let out = doc
  for (const name of BLOCK_NAMES) {
    const [a, b] = [out.indexOf(open(name)), out.indexOf(close(name))]
    if (a < 0 || b < a) throw new Error(`docs/choosing.md has no ${open(name)} … ${close(name)} block`)
    out = `${out.slice(0, a + open(name).length)}\n${blocks[name]}\n${out.slice(b)}`
  }
  return out
}

/** Problems that make choosing.md disagree with `results`: stale blocks, and figures quoted outside the blocks. */
export function checkChoosing(doc: string, results: ResultsFile): string[] {
  const problems: string[] = []
  let expected: string
  try {
    expected = applyBlocks(doc, generatedBlocks(results))
  } catch (err) {
    return [err instanceof Error ? err.message : String(err)]
  }
  if (expected !== doc) {
    const a = doc.split('\n')
    const b = expected.split('\n')
    const i = a.findIndex((line, k) => line !== b[k])
    problems.push(
      `a generated block differs from results.json (first at line ${i + 1}: "${a[i] ?? ''}" should be "${b[i] ?? ''}"); run pnpm bench:choosing`,
    )
  }
  problems.push(...markerProblems(doc))
  for (const { line, text } of proseLines(doc)) {
    const bare = text
      .replace(/`[^`]*`/g, (span) => (NAMED_SPAN.test(span) ? '' : span))
      .replace(/\]\([^)]*\)/g, ']')
      .replace(/\bC\d{1,2}\b/g, '')
    if (/\d/.test(bare))
      problems.push(`line ${line} quotes a figure outside a generated block: "${text.trim()}"`)
  }
  return problems
}

/**
 * A code span that names something rather than quoting a figure: an identifier (`stateless-es256`, `floor-map`),
 * a setting with its value (`ACCESS_TTL=900`) or an issue reference (`better-auth#6893`). A span that is a bare
 * number or a measurement (`900`, `7 µs`) is prose like any other, and may not quote a figure.
 */
const NAMED_SPAN = /^`(?:[A-Za-z][\w.-]*|[A-Z][A-Z0-9_]*=[\w.-]+|[\w.-]+#\d+)`$/

/** Generated-block markers other than the known blocks, or a known one opened twice, are refused. */
function markerProblems(doc: string): string[] {
  const out: string[] = []
  const seen = new Map<string, number>()
  for (const [i, text] of doc.split('\n').entries()) {
    const m = /^<!-- (\/?)generated:([^\s>]*)/.exec(text)
    if (!m) continue
    const name = m[2] ?? ''
    if (!(BLOCK_NAMES as readonly string[]).includes(name))
      out.push(`line ${i + 1}: unknown generated block "${name}" (known: ${BLOCK_NAMES.join(', ')})`)
    else if (m[1] === '') {
      if (seen.has(name)) out.push(`line ${i + 1}: generated block "${name}" opened twice`)
      seen.set(name, i + 1)
    }
  }
  return out
}

/** Lines outside the known generated blocks and outside HTML comments. */
function proseLines(doc: string): { line: number; text: string }[] {
  const out: { line: number; text: string }[] = []
  let inBlock = false
  const known = (text: string, closing: boolean) =>
    BLOCK_NAMES.some((n) => text.startsWith(closing ? `<!-- /generated:${n} ` : `<!-- generated:${n} `))
  for (const [i, text] of doc.split('\n').entries()) {
    if (known(text, false)) inBlock = true
    else if (known(text, true)) inBlock = false
    else if (!inBlock && !/^<!--.*-->$/.test(text.trim())) out.push({ line: i + 1, text })
  }
  return out
}

/** A run whose noise guard failed says so where its figures are quoted (the experiments' own banners). */
function noisyNote(results: ResultsFile): string {
  const noisy = results.experiments.filter((e) => e.banner).map((e) => e.title)
  return noisy.length > 0
    ? `**The noise guard failed** in: ${noisy.join(', ')} — those verdicts are withheld (inconclusive). `
    : ''
}
