/**
 * `pnpm bench:report <results.json> [--out dir]`: regenerates report.md, report.html and the chart SVGs from a
 * results.json alone (beside it unless --out is given). Nothing is measured again.
 */
import { mkdirSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { readResults, writeReport } from './report/render.js'

const USAGE = 'usage: pnpm bench:report <results.json> [--out dir]'

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    args: process.argv.slice(2),
    options: { out: { type: 'string' }, help: { type: 'boolean', short: 'h', default: false } },
    allowPositionals: true,
  })
  if (values.help) {
    console.log(USAGE)
    return
  }
  const file = positionals[0]
  if (!file || positionals.length > 1) {
    console.error(USAGE)
    process.exit(2)
  }
  // pnpm runs the script in bench/; INIT_CWD is where the user typed the command.
  const path = resolve(process.env.INIT_CWD ?? process.cwd(), file)
  const results = readResults(path)
  const dir = values.out ? resolve(process.env.INIT_CWD ?? process.cwd(), values.out) : dirname(path)
  mkdirSync(dir, { recursive: true })
  const out = await writeReport(dir, results)
  console.log(`report: ${out.md}\n        ${out.html}\n        ${out.svgs.length} chart(s)`)
}

main().catch((err) => {
  console.error(`bench:report: ${err instanceof Error ? err.message : String(err)}`)
  process.exit(1)
})
