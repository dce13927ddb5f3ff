import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { applyBlocks, checkChoosing, generatedBlocks } from './choosing-doc.js'
import type { ResultsFile } from './schema.js'

const DOCS = join(import.meta.dirname, '../../../docs')
const doc = readFileSync(join(DOCS, 'choosing.md'), 'utf8')
const sample: ResultsFile = JSON.parse(readFileSync(join(DOCS, 'sample-report/results.json'), 'utf8'))

describe('docs/choosing.md agrees with docs/sample-report/results.json', () => {
  it('quotes only figures generated from the committed results.json (run pnpm bench:choosing to fix)', () => {
    expect(checkChoosing(doc, sample)).toEqual([])
  })

  it('fails when a generated block is stale (the results changed, the doc did not)', () => {
    const changed = structuredClone(sample)
    const raw = changed.experiments.find((e) => e.id === 'overhead')!.raw as {
      variants: { id: string; cpuAddedUs: { median: number } }[]
    }
    raw.variants.find((v) => v.id === 'stateless-hs256-none')!.cpuAddedUs.median = 999
    expect(checkChoosing(doc, changed).join()).toMatch(/generated block differs/)
  })

  it('fails when the prose quotes a figure of its own, but not for claim ids, code spans or links', () => {
    const withFigure = doc.replace('## So which one?', 'A session costs 70 µs.\n\n## So which one?')
    expect(checkChoosing(withFigure, sample).join()).toMatch(
      /quotes a figure outside a generated block: "A session costs 70 µs\."/,
    )
    const allowed = doc.replace(
      '## So which one?',
      'See C12, `ACCESS_TTL=900` and [x](a/b2.md).\n\n## So which one?',
    )
    expect(checkChoosing(allowed, sample)).toEqual([])
  })

  it('catches a figure in a code span or in a made-up generated block (review A6)', () => {
    const at = '## So which one?'
    const span = doc.replace(at, `A session costs \`7 µs\` per request, \`900\` s.\n\n${at}`)
    expect(checkChoosing(span, sample).join()).toMatch(/quotes a figure outside a generated block/)
    const fake = `<!-- generated:note (pnpm bench:choosing) -->\nA JWT verify costs 3 µs.\n<!-- /generated:note -->\n\n${at}`
    const problems = checkChoosing(doc.replace(at, fake), sample).join('\n')
    expect(problems).toMatch(/unknown generated block "note"/)
    expect(problems).toMatch(/quotes a figure outside a generated block: "A JWT verify costs 3 µs\."/)
  })

  it('refuses a doc whose block markers are missing', () => {
    const broken = doc.replace('<!-- /generated:claims -->', '')
    expect(() => applyBlocks(broken, generatedBlocks(sample))).toThrow(/claims/)
    expect(checkChoosing(broken, sample).join()).toMatch(/no <!-- generated:claims/)
  })
})
