import * as vega from 'vega'
import * as vl from 'vega-lite'
import type { ExperimentResult, ResultsFile } from './schema.js'

/** One chart rendered to SVG, with the file name it gets beside report.md. */
export interface RenderedChart {
  experimentId: string
  chartId: string
  title: string
  caption?: string
  file: string
  svg: string
}

/**
 * Compiles a Vega-Lite spec and renders it to an SVG string in Node (vega's headless 'none' renderer: no canvas, no
 * browser, no network). Data must be inline; a spec that asks for a URL fails instead of fetching.
 */
export async function renderSvg(spec: Record<string, unknown>): Promise<string> {
  const compiled = vl.compile(withReadableDefaults(spec) as unknown as vl.TopLevelSpec).spec
  const loader = vega.loader()
  loader.load = () => Promise.reject(new Error('charts render offline: put data inline (data.values)'))
  const view = new vega.View(vega.parse(compiled), { renderer: 'none', loader })
  try {
    return withTooltips(await view.toSVG())
  } finally {
    view.finalize()
  }
}

/**
 * Vega's defaults (10 px labels, 11 px titles) are hard to read on a laptop once the SVG is scaled to the page
 * width. These apply unless the spec sets its own `config`; the spec's values win key by key.
 */
const READABLE_CONFIG = {
  font: 'sans-serif',
  // Labels are variant ids up to ~40 characters ("stateless-hs256-denylist-redis-cached"): never cut them (vega's
  // default limit is 180 px, which made two overhead bars read the same).
  axis: { labelFontSize: 12, titleFontSize: 13, labelLimit: 400 },
  legend: { labelFontSize: 12, titleFontSize: 13, labelLimit: 320 },
  header: { labelFontSize: 13, titleFontSize: 13 },
  title: { fontSize: 14 },
}

export function withReadableDefaults(spec: Record<string, unknown>): Record<string, unknown> {
  const own = (spec.config ?? {}) as Record<string, unknown>
  const config: Record<string, unknown> = { ...READABLE_CONFIG }
  for (const [k, v] of Object.entries(own)) {
    const base = config[k]
    config[k] =
      base && typeof base === 'object' && v && typeof v === 'object' ? { ...base, ...(v as object) } : v
  }
  return { ...spec, config }
}

/**
 * Vega's SVG renderer describes every mark item in an `aria-label` (Vega-Lite builds it from the encodings and the
 * `tooltip` channel), but browsers only show a hover tooltip for an SVG `<title>` child. This copies each mark
 * item's label into a `<title>`, so "hover for …" captions are true in any browser, with no script.
 */
export function withTooltips(svg: string): string {
  return svg.replace(
    /<(path|rect|circle|line|text|image|symbol|g)(\s[^>]*?role="graphics-symbol"[^>]*?)(\/?)>/g,
    (whole, tag: string, attrs: string, selfClosing: string) => {
      const label = /\saria-label="([^"]*)"/.exec(attrs)?.[1]
      if (!label || !/\saria-roledescription="[^"]*"/.test(attrs) || tag === 'g') return whole
      const title = `<title>${label}</title>`
      return selfClosing ? `<${tag}${attrs}>${title}</${tag}>` : `<${tag}${attrs}>${title}`
    },
  )
}

export function chartFile(e: ExperimentResult, chartId: string): string {
  return `${e.id}-${chartId}.svg`
}

/** Renders every chart of every experiment; a chart that fails renders as a note, not a crash. */
export async function renderCharts(results: ResultsFile): Promise<RenderedChart[]> {
  const out: RenderedChart[] = []
  for (const e of results.experiments) {
    for (const c of e.charts) {
      let svg: string
      try {
        svg = await renderSvg(c.vegaLiteSpec)
      } catch (err) {
        svg = errorSvg(
          `chart "${c.title}" failed to render: ${err instanceof Error ? err.message : String(err)}`,
        )
      }
      out.push({
        experimentId: e.id,
        chartId: c.id,
        title: c.title,
        caption: c.caption,
        file: chartFile(e, c.id),
        svg,
      })
    }
  }
  return out
}

function errorSvg(text: string): string {
  const esc = text.replace(/[<>&"]/g, (ch) => `&#${ch.charCodeAt(0)};`)
  return `<svg xmlns="http://www.w3.org/2000/svg" width="640" height="40"><text x="8" y="24" font-family="sans-serif" font-size="13" fill="#b00">${esc}</text></svg>`
}
