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
  const compiled = vl.compile(spec as unknown as vl.TopLevelSpec).spec
  const loader = vega.loader()
  loader.load = () => Promise.reject(new Error('charts render offline: put data inline (data.values)'))
  const view = new vega.View(vega.parse(compiled), { renderer: 'none', loader })
  try {
    return await view.toSVG()
  } finally {
    view.finalize()
  }
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
