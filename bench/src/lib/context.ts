import { execFileSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { arch, cpus, loadavg, release, totalmem, type } from 'node:os'
import { join } from 'node:path'
import { repoRoot } from '@auth-lab/shared'
import type { RunContext, RunOptions } from '../report/schema.js'
import type { Pinning } from './pinning.js'

/** Packages whose version changes the numbers, and the workspace package that depends on each. */
const PACKAGES: [string, string][] = [
  ['hono', 'bench'],
  ['@hono/node-server', 'bench'],
  ['hono-sessions', 'apps/stateful'],
  ['jose', 'apps/stateless'],
  ['better-sqlite3', 'bench'],
  ['autocannon', 'bench'],
  ['vega', 'bench'],
  ['vega-lite', 'bench'],
  ['tsx', '.'],
]

export function packageVersions(): Record<string, string> {
  const root = repoRoot()
  const out: Record<string, string> = {}
  for (const [name, from] of PACKAGES) {
    const file = join(root, from, 'node_modules', name, 'package.json')
    out[name] = existsSync(file)
      ? (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version
      : 'not installed'
  }
  return out
}

export function gitState(): RunContext['git'] {
  const git = (args: string[]) =>
    execFileSync('git', args, {
      cwd: repoRoot(),
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim()
  try {
    return {
      commit: git(['rev-parse', 'HEAD']),
      dirty: git(['status', '--porcelain', '--untracked-files=no']) !== '',
    }
  } catch {
    return { commit: null, dirty: null }
  }
}

/** Everything about the machine and the run that a reader needs to judge the numbers. */
export function collectContext(
  runId: string,
  options: RunOptions,
  pinning: Pinning,
  started: Date,
): RunContext {
  const c = cpus()
  return {
    runId,
    date: started.toISOString(),
    machine: {
      cpuModel: c[0]?.model.trim() ?? 'unknown',
      cores: c.length,
      memoryBytes: totalmem(),
      os: `${type()} ${release()}`,
      kernel: release(),
      arch: arch(),
      node: process.version,
      loadAverage: loadavg().map((l) => Math.round(l * 100) / 100),
    },
    packages: packageVersions(),
    git: gitState(),
    options,
    pinning,
    notes: [
      'Servers ran with ARGON2_MEMORY_KIB=256 ARGON2_TIME_COST=1: argon2 only runs at login, which happens before any measurement.',
      'Loads went to 127.0.0.1 only; every server and the load generator ran as separate processes, killed by PID at the end.',
    ],
  }
}
