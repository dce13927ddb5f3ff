import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Bench } from 'tinybench'
import { buildGroup } from './src/scenarios/overhead/inprocess/build.js'
import { GROUPS } from './src/scenarios/overhead/variants.js'
const id = process.argv[2] ?? 'stateful-sqlite'
const spec = GROUPS.find((g) => g.id === id)!
const g = await buildGroup(spec, 50, mkdtempSync(join(tmpdir(), 'probe-')))
for (const t of g.targets.slice(0, 2)) {
  const url = `http://127.0.0.1${t.path}`
  let i = 0
  const fn = async () => { await g.fetch(new Request(url, { headers: t.headers[i++ % t.headers.length] })) }
  const warm = new Bench({ time: 500, warmup: false }); warm.add('w', fn); await warm.run()
  const rows: string[] = []
  for (let k = 0; k < 10; k++) {
    (globalThis as any).gc?.(); const b = new Bench({ time: 300, iterations: 8, warmup: false }); b.add(t.id, fn)
    const c0 = process.cpuUsage(); await b.run(); const c1 = process.cpuUsage(c0)
    const r = b.tasks[0]!.result as any
    const n = r.latency.samplesCount
    rows.push(`mean ${(r.latency.mean*1000).toFixed(1)} p50 ${(r.latency.p50*1000).toFixed(1)} cpu ${((c1.user+c1.system)/n).toFixed(1)} n ${n}`)
  }
  console.log(t.id); for (const r of rows) console.log('  ', r)
}
g.close(); process.exit(0)
