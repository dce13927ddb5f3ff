import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { RunningLab } from '@auth-lab/lab'
import { readLabConfig, startLab } from '@auth-lab/lab'
import { ensureDemoUsers, openSharedDeps } from '@auth-lab/shared'
import { CHEAP_ARGON2, freePort, REPO_ROOT } from '../helpers/index.js'

/**
 * The lab for the browser suite: the real front and its three child servers, on free loopback ports, with a
 * temporary database seeded with the demo users (cheap argon2: the browser tests are not about hashing cost).
 * Short access tokens (E2E_ACCESS_TTL s, tolerance 2 s) keep the expiry experiment inside the time budget.
 */
export const E2E_ACCESS_TTL = 20
export const E2E_TOLERANCE = 2
export const REPORT_DIR = join(REPO_ROOT, 'reports', 'e2e')

export interface LabUnderTest {
  lab: RunningLab
  url: string
  stop(): Promise<void>
}

interface LabTestOptions {
  /** The lab in HTTPS mode (self-signed certificate in the temporary directory, COOKIE_SECURE=1 apps). */
  https?: boolean
  nodeArgs?: (entry: string) => Promise<string[]>
}

/** Starts the lab on a fresh temporary directory; `stop()` stops it and removes the directory. */
export async function startLabForTests(opts: LabTestOptions = {}): Promise<LabUnderTest> {
  const dir = mkdtempSync(join(tmpdir(), 'auth-lab-e2e-'))
  try {
    return await startLabIn(dir, opts)
  } catch (err) {
    rmSync(dir, { recursive: true, force: true }) // the caller gets no handle to stop
    throw err
  }
}

async function startLabIn(dir: string, opts: LabTestOptions): Promise<LabUnderTest> {
  const dbPath = join(dir, 'auth-lab.db')
  const shared = openSharedDeps({
    app: 'e2e',
    dbPath,
    argon2: { memoryCost: 256, timeCost: 1, parallelism: 1 },
    throttle: { maxFailuresPerUser: 5, maxFailuresPerIp: 50, windowSeconds: 900 },
  })
  await ensureDemoUsers(shared.users)
  shared.db.close()
  const [port, a, b, c] = [await freePort(), await freePort(), await freePort(), await freePort()]
  const config = readLabConfig({
    LAB_PORT: String(port),
    STATEFUL_PORT: String(a),
    STATELESS_PORT: String(b),
    STATELESS_NONE_PORT: String(c),
    DB_PATH: dbPath,
    JWT_KEYS_DIR: join(dir, 'keys'),
    LAB_ACCESS_TTL: String(E2E_ACCESS_TTL),
    LAB_CLOCK_TOLERANCE: String(E2E_TOLERANCE),
    ...(opts.https ? { LAB_HTTPS: '1', LAB_TLS_DIR: join(dir, 'tls') } : {}),
  })
  mkdirSync(REPORT_DIR, { recursive: true })
  const lines: string[] = []
  const lab = await startLab(config, {
    childEnv: { ...CHEAP_ARGON2 },
    log: (id, line) => lines.push(`[${id}] ${line}`),
    raceReportPath: join(REPORT_DIR, 'multi-tab-race.json'),
    nodeArgs: opts.nodeArgs,
  })
  return {
    lab,
    url: lab.url,
    async stop() {
      await lab.stop()
      rmSync(dir, { recursive: true, force: true })
    },
  }
}
