import { existsSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

/** The workspace root (the folder holding pnpm-workspace.yaml), so `data/` lands in one place whichever app starts. */
export function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url))
  for (;;) {
    if (existsSync(join(dir, 'pnpm-workspace.yaml'))) return dir
    const parent = dirname(dir)
    if (parent === dir) return process.cwd()
    dir = parent
  }
}

export function defaultDbPath(): string {
  return resolve(repoRoot(), 'data', 'auth-lab.db')
}
