/**
 * docs/choosing.md and a results.json must agree. The convention: every measured figure in choosing.md lives in a
 * generated block
 *
 *   <!-- generated:NAME (pnpm bench:choosing) -->
 *   …produced from results.json, never edited by hand…
 *   <!-- /generated:NAME -->
 *
 * and the hand-written prose around the blocks quotes no figure: outside the blocks a digit may appear only in a
 * claim id (C1…C13), inside a `code span` or in a link target. `checkChoosing` enforces both halves; the test runs it
 * against the committed docs/sample-report/results.json.
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
  for (const { line, text } of proseLines(doc)) {
    const bare = text
      .replace(/`[^`]*`/g, '')
      .replace(/\]\([^)]*\)/g, ']')
      .replace(/\bC\d{1,2}\b/g, '')
    if (/\d/.test(bare))
      problems.push(`line ${line} quotes a figure outside a generated block: "${text.trim()}"`)
  }
  return problems
}

/** Lines outside generated blocks and outside HTML comments. */
function proseLines(doc: string): { line: number; text: string }[] {
  const out: { line: number; text: string }[] = []
  let inBlock = false
  for (const [i, text] of doc.split('\n').entries()) {
    if (/^<!-- generated:/.test(text)) inBlock = true
    else if (/^<!-- \/generated:/.test(text)) inBlock = false
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
