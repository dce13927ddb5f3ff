import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { renderCharts } from './charts.js'
import { renderHtml } from './html.js'
import { renderMarkdown } from './markdown.js'
import type { ResultsFile } from './schema.js'
import { parseResults } from './schema.js'
import { upgradeResults } from './upgrade.js'

/** Writes report.md, report.html and one SVG per chart into `dir`, from the results alone. Returns the paths. */
export async function writeReport(
  dir: string,
  file: ResultsFile,
): Promise<{ md: string; html: string; svgs: string[] }> {
  // Files written before a rule changed render as a new one would (upgrade.ts); an upgraded file is unchanged.
  const results = upgradeResults(file)
  const charts = await renderCharts(results)
  const svgs: string[] = []
  for (const c of charts) {
    const path = join(dir, c.file)
    writeFileSync(path, c.svg)
    svgs.push(path)
  }
  const md = join(dir, 'report.md')
  const html = join(dir, 'report.html')
  writeFileSync(md, renderMarkdown(results, charts))
  writeFileSync(html, renderHtml(results, charts))
  return { md, html, svgs }
}

export function readResults(path: string): ResultsFile {
  return parseResults(JSON.parse(readFileSync(path, 'utf8')))
}
