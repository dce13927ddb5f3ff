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

  it('prints no verdict badge in a smoke (--quick) run, only the figures', () => {
    expect(md).toContain('- **C1** (smoke run: no verdict):')
    expect(md).not.toContain('✘ refuted')
    expect(html).not.toMatch(/class="status refuted"/)
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

describe('charts and text a reader can trust', () => {
  it('gives every mark item a <title> tooltip from its description, leaving axes alone', async () => {
    const { renderSvg } = await import('./charts.js')
    const svg = await renderSvg({
      data: { values: [{ a: 'x', b: 3 }] },
      mark: 'bar',
      encoding: { y: { field: 'a', type: 'nominal' }, x: { field: 'b', type: 'quantitative' } },
    })
    expect(svg).toMatch(/aria-roledescription="bar"[^>]*><title>[^<]*b: 3[^<]*<\/title><\/path>/)
    expect(svg).not.toMatch(/aria-roledescription="axis"[^>]*><title>/)
  })

  it('uses readable font sizes unless the spec sets its own', async () => {
    const { withReadableDefaults } = await import('./charts.js')
    const spec = withReadableDefaults({ config: { axis: { labelFontSize: 9 } } }) as {
      config: { axis: { labelFontSize: number; titleFontSize: number } }
    }
    expect(spec.config.axis).toEqual({ labelFontSize: 9, titleFontSize: 13, labelLimit: 400 })
  })

  it('escapes characters that need fonts the reader may not have, and invisible controls', async () => {
    const { fontSafe } = await import('./format.js')
    expect(fontSafe('ａｌｉｃｅ → ALICE')).toBe('\\uFF41\\uFF4C\\uFF49\\uFF43\\uFF45 → ALICE')
    expect(fontSafe('a\u202Eb\u200Bc')).toBe('a\\u202Eb\\u200Bc')
    expect(fontSafe('µs × 2 — ✔ ≤ 10⁶')).toBe('µs × 2 — ✔ ≤ 10⁶')
  })

  it('folds long tables under <details> in both formats and opens with the summary', async () => {
    const r = readResults(join(import.meta.dirname, '../../../docs/sample-report/results.json'))
    const dir = mkdtempSync(join(tmpdir(), 'bench-report-'))
    try {
      await writeReport(dir, r)
      const md = readFileSync(join(dir, 'report.md'), 'utf8')
      const html = readFileSync(join(dir, 'report.html'), 'utf8')
      expect(md.indexOf('## Summary')).toBeLessThan(md.indexOf('## Context'))
      expect(md).toMatch(/<details><summary>\d+ rows \(click to expand\)<\/summary>/)
      expect(html).toMatch(/<details><summary>\d+ rows \(click to expand\)<\/summary>/)
      expect(html).toContain('<section id="summary">')
      expect(md).toContain('## Capacity model: what internet scale would take')
      expect(md).not.toMatch(/[\uFF00-\uFFEF]/)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  }, 60_000)
})
