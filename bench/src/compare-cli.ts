/** `pnpm bench:compare <a/results.json> <b/results.json>`: Markdown to stdout (see report/compare.ts). */
import { resolve } from 'node:path'
import { compareMarkdown } from './report/compare.js'
import { readResults } from './report/render.js'

const USAGE = 'usage: pnpm bench:compare <a/results.json> <b/results.json>   (Markdown to stdout)'
const files = process.argv.slice(2)
if (files.includes('--help') || files.includes('-h')) {
  console.log(USAGE)
  process.exit(0)
}
if (files.length !== 2) {
  console.error(USAGE)
  process.exit(2)
}
try {
  // pnpm runs the script in bench/; INIT_CWD is where the user typed the command.
  const [a, b] = files.map((f) => readResults(resolve(process.env.INIT_CWD ?? process.cwd(), f)))
  process.stdout.write(compareMarkdown(a!, b!))
} catch (err) {
  console.error(`bench:compare: ${err instanceof Error ? err.message : String(err)}`)
  process.exit(1)
}
