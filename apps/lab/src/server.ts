/**
 * The lab server: reads the config (exit 2 on a bad value), starts the three child servers and the front, and on
 * SIGTERM/SIGINT stops the front and every child by PID before exiting 0.
 */
import { ConfigError } from '@auth-lab/shared'
import type { LabConfig } from './config.js'
import { readLabConfig } from './config.js'
import { startLab } from './lab.js'

let config: LabConfig
try {
  config = readLabConfig(process.env)
} catch (err) {
  if (err instanceof ConfigError) {
    console.error(`auth-lab lab: configuration error: ${err.message}`)
    process.exit(2)
  }
  throw err
}

const lab = await startLab(config, { log: (id, line) => console.log(`[${id}] ${line}`) })
console.log(`Open ${lab.url}/ (the side-by-side lab).`)
let stopping = false
const stop = () => {
  if (stopping) return
  stopping = true
  lab.stop().then(
    () => process.exit(0),
    () => process.exit(1),
  )
}
process.on('SIGINT', stop)
process.on('SIGTERM', stop)
