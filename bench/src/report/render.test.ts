import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { markdownToHtml } from './html.js'
import { readResults, writeReport } from './render.js'
import { parseResults } from './schema.js'

const FIXTURE = join(import.meta.dirname, '../../test/fixtures/results.fixture.json')

describe('report generation from a results.json fixture', () => {
  let dir: string
  let md: string
  let html: string

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'bench-report-'))
    await writeReport(dir, readResults(FIXTURE))
    md = readFileSync(join(dir, 'report.md'), 'utf8')
    html = readFileSync(join(dir, 'report.html'), 'utf8')
  }, 60_000)
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it('writes one SVG per chart, rendered by Vega (not hand-drawn)', () => {
    for (const f of ['overhead-ratio.svg', 'overhead-decomposition.svg']) {
      const svg = readFileSync(join(dir, f), 'utf8')
      expect(svg.startsWith('<svg')).toBe(true)
      expect(svg).toContain('class="marks"') // vega's SVG renderer marks its output
      expect(svg).toContain('stateful-sqlite') // axis labels carry the data
    }
  })

  it('opens the Markdown with the context, then each experiment with verdicts, tables and embedded charts', () => {
    const order = [
      '# Auth Lab benchmark report',
      '## Context',
      '| machine |',
      '## Per-request auth overhead',
      '### Method',
      '### Verdicts',
    ]
    let at = -1
    for (const h of order) {
      const i = md.indexOf(h)
      expect(i, h).toBeGreaterThan(at)
      at = i
    }
    expect(md).toContain('![Throughput of each auth path')
    expect(md).toContain('](overhead-ratio.svg)')
    expect(md).toContain('](overhead-decomposition.svg)')
    expect(md).toMatch(/\| variant \| req\/s \(2xx only\) \|/)
    expect(md).toMatch(/- \*\*C1\*\* \(/)
  })

  it('lists invalid variants separately and shows a failed experiment as failed', () => {
    expect(md).toContain('### Invalid (excluded from every summary)')
    expect(md).toContain('`stateless-jwe`: round 1 GET /me: 12 non-2xx (401×12)')
    expect(md).toMatch(/## Restart: who stays logged in\n\n\*\*This experiment failed; no results.\*\*/)
  })

  it('makes a self-contained HTML: inline SVG charts, inline CSS, no script and no network reference', () => {
    expect(html.startsWith('<!doctype html>')).toBe(true)
    expect(html.match(/<figure>/g)).toHaveLength(2)
    expect(html.match(/<svg /g)?.length).toBeGreaterThanOrEqual(2)
    expect(html).not.toMatch(/<script/i)
    expect(html).not.toMatch(/(src|href)="https?:/i)
    expect(html).not.toMatch(/<link /i)
    expect(html).toContain('<h2>Per-request auth overhead</h2>')
    expect(html).toContain('<table')
  })

  it('regenerates identical files from the same results.json', async () => {
    const again = mkdtempSync(join(tmpdir(), 'bench-report-'))
    try {
      await writeReport(again, readResults(FIXTURE))
      expect(readFileSync(join(again, 'report.md'), 'utf8')).toBe(md)
      expect(readFileSync(join(again, 'report.html'), 'utf8')).toBe(html)
      expect(existsSync(join(again, 'overhead-ratio.svg'))).toBe(true)
    } finally {
      rmSync(again, { recursive: true, force: true })
    }
  }, 60_000)
})

describe('parseResults', () => {
  const base = () => JSON.parse(readFileSync(FIXTURE, 'utf8'))
  it('refuses another schema version', () => {
    expect(() => parseResults({ ...base(), schemaVersion: 2 })).toThrow(/schemaVersion/)
  })
  it('refuses a table row of the wrong width', () => {
    const r = base()
    r.experiments[0].tables[0].rows[0].pop()
    expect(() => parseResults(r)).toThrow(/wrong width/)
  })
  it('refuses a chart without a spec', () => {
    const r = base()
    delete r.experiments[0].charts[0].vegaLiteSpec
    expect(() => parseResults(r)).toThrow(/vegaLiteSpec/)
  })
})

describe('markdownToHtml', () => {
  it('turns paragraphs and bullet lists into HTML and escapes everything else', () => {
    expect(markdownToHtml('A **b** `c<d>`\n\n- one\n- two')).toBe(
      '<p>A <strong>b</strong> <code>c&lt;d&gt;</code></p>\n<ul><li>one</li><li>two</li></ul>',
    )
  })
})
