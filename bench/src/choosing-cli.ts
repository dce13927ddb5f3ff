/**
 * `pnpm bench:choosing [results.json] [--check]`: rewrites the generated blocks of docs/choosing.md from a
 * results.json (default: the committed docs/sample-report/results.json). With --check it writes nothing and exits 1
 * when choosing.md disagrees with the results (stale block, or a figure quoted outside a block).
 */
import { readFileSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { repoRoot } from '@auth-lab/shared'
import { applyBlocks, checkChoosing, generatedBlocks } from './report/choosing-doc.js'
import { readResults } from './report/render.js'

const USAGE =
  'usage: pnpm bench:choosing [results.json] [--check]   (default: docs/sample-report/results.json)'

function main(): void {
  let parsed: { values: { check: boolean; help: boolean }; positionals: string[] }
  try {
    parsed = parseArgs({
      args: process.argv.slice(2),
      options: {
        check: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
      allowPositionals: true,
    })
  } catch (err) {
    console.error(`bench:choosing: ${err instanceof Error ? err.message : String(err)}\n${USAGE}`)
    process.exit(2)
  }
  const { values, positionals } = parsed
  if (values.help) {
    console.log(USAGE)
    return
  }
  if (positionals.length > 1) {
    console.error(USAGE)
    process.exit(2)
  }
  // pnpm runs the script in bench/; INIT_CWD is where the user typed the command.
  const file = positionals[0]
    ? resolve(process.env.INIT_CWD ?? process.cwd(), positionals[0])
    : join(repoRoot(), 'docs/sample-report/results.json')
  const docPath = join(repoRoot(), 'docs/choosing.md')
  const results = readResults(file)
  const doc = readFileSync(docPath, 'utf8')
  if (values.check) {
    const problems = checkChoosing(doc, results)
    for (const p of problems) console.error(`docs/choosing.md: ${p}`)
    process.exit(problems.length > 0 ? 1 : 0)
  }
  writeFileSync(docPath, applyBlocks(doc, generatedBlocks(results)))
  const left = checkChoosing(readFileSync(docPath, 'utf8'), results)
  for (const p of left) console.error(`docs/choosing.md: ${p}`)
  console.log(`updated ${docPath} from ${file}`)
  if (left.length > 0) process.exitCode = 1
}

main()
