/**
 * For tests only: a fresh `<os.tmpdir()>/<prefix>XXXXXX` directory that is removed (with everything in it) when the
 * calling test finishes, passed or failed — so a test run leaves nothing in the user's /tmp. Call it inside a test
 * (or a helper a test calls); a directory shared by a whole file belongs in `beforeAll`/`afterAll` instead.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { onTestFinished } from 'vitest'

export function testDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix))
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }))
  return dir
}
