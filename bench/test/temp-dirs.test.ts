/**
 * Regression (H16): a bench run must not leave `auth-lab-*` directories in os.tmpdir(). Paths that leaked or
 * could: an overhead group whose server fails to start (the floor branch of setupGroup kept its DB directory), the
 * in-process layer's workers, and a harness that ends before its `finally` (a throw past the cleanup, Ctrl-C). Only directories with this test's own unique
 * prefix are counted: other processes on the machine create `auth-lab-*` directories too.
 */
import { spawnSync } from 'node:child_process'
import { readdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'
import { processRegistry } from '../src/lib/process-registry.js'
import { InprocWorker } from '../src/scenarios/overhead/inprocess/workers.js'
import { selectGroups, setupGroup } from '../src/scenarios/overhead/variants.js'

const TEMP_DIRS = fileURLToPath(new URL('../src/lib/temp-dirs.ts', import.meta.url))
const tag = `leakcheck-${process.pid}-${Date.now().toString(36)}`
const ours = (prefix: string) => readdirSync(tmpdir()).filter((n) => n.startsWith(prefix))

afterAll(() => processRegistry.killAll())

describe('bench temp directories', () => {
  it('setupGroup: a server that fails to start leaves no DB directory', async () => {
    const floor = selectGroups(['floor-map'])[0]!
    // The floor server exits at once without DB_PATH (before /health): the setup fails after the seed was written.
    const spec = { ...floor, id: tag, env: { ...floor.env, DB_PATH: '' } }
    const prefix = `auth-lab-overhead-${tag}-`
    await expect(setupGroup(spec, 2, null)).rejects.toThrow(/exited/)
    expect(ours(prefix)).toEqual([])
  }, 60_000)

  it('in-process layer: a worker removes its directory on close, and when its build fails', async () => {
    const floor = selectGroups(['floor-map'])[0]!
    const ok = await InprocWorker.start({ ...floor, id: `${tag}-ok` }, 2, null)
    expect(ours(`auth-lab-inprocess-${tag}-ok-`)).toHaveLength(1) // the worker's DB lives there while it runs
    await ok.close()
    expect(ours(`auth-lab-inprocess-${tag}-ok-`)).toEqual([])
    // A Redis variant without the run's REDIS_URL fails its build inside the worker.
    const redis = selectGroups(['stateful-redis'])[0]!
    await expect(InprocWorker.start({ ...redis, id: `${tag}-bad` }, 2, null)).rejects.toThrow()
    expect(ours(`auth-lab-inprocess-${tag}-bad-`)).toEqual([])
  }, 60_000)

  it('a harness that throws past its cleanup leaves nothing behind at exit', () => {
    const prefix = `auth-lab-${tag}-exit-`
    const script = `
      import { writeFileSync } from 'node:fs'
      import { join } from 'node:path'
      const { makeTempDir, removeTempDir } = await import(${JSON.stringify(TEMP_DIRS)})
      const kept = makeTempDir(${JSON.stringify(prefix)})
      writeFileSync(join(kept, 'auth-lab.db'), 'x')
      removeTempDir(makeTempDir(${JSON.stringify(prefix)})) // an owner that cleaned up itself
      console.log(kept)
      throw new Error('scenario failed before its finally')
    `
    const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      encoding: 'utf8',
      timeout: 30_000,
    })
    expect(r.status).toBe(1) // it did throw, and did not exit cleanly
    expect(r.stdout).toContain(prefix) // the directory was made
    expect(ours(prefix)).toEqual([])
  }, 40_000)
})
