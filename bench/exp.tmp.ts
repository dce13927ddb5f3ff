// Experiment: does one HTTP server's GET /public CPU per request fall over its first runs (a warm-up effect), or
// is the round-1 excess an artefact of many servers? Usage: tsx exp.tmp.ts <idleServers>
import { LoadGenerator } from './src/lib/load.js'
import { choosePinning, pinSelfAway } from './src/lib/pinning.js'
import { removeTempDb } from './src/lib/processes.js'
import { GROUPS, setupGroup } from './src/scenarios/overhead/variants.js'

const idle = Number(process.argv[2] ?? 0)
const pin = choosePinning(true)
const spec = GROUPS.find((g) => g.id === 'stateless-hs256-none')!
const others = GROUPS.filter((g) => g.kind !== 'floor' && g.id !== spec.id && !g.id.includes('redis')).slice(
  0,
  idle,
)
const g = await setupGroup(spec, 50, pin.serverCpu)
const idles = await Promise.all(others.map((o) => setupGroup(o, 50, pin.serverCpu)))
const gen = await LoadGenerator.start({ cpu: pin.loadCpu })
const unpin = pinSelfAway(pin.serverCpu)
const t0 = performance.now()
for (let i = 0; i < 16; i++) {
  for (const t of [g.baseline, g.targets[0]!]) {
    const c0 = g.server.cpuTimes()
    const r = await gen.run({
      url: `${g.server.url}${t.path}`,
      connections: 50,
      durationSec: 0.6,
      credentials: t.credentials.length ? t.credentials : undefined,
    })
    const c1 = g.server.cpuTimes()
    console.log(
      ((performance.now() - t0) / 1000).toFixed(1),
      t.path.padEnd(8),
      Math.round(r.rps2xx),
      ((c1.totalUs - c0.totalUs) / r.responses).toFixed(1),
    )
  }
}
unpin()
await gen.close()
for (const x of [g, ...idles]) {
  await x.server.stop()
  removeTempDb(x.server.dbPath)
}
