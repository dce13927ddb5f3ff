/**
 * The two helper processes of the rotation experiment: the JWKS-consuming verifier (jwks-verifier.ts) and the real
 * `keys rotate` CLI started ahead of its cue (rotate-on-cue.ts). Both are registered with the process registry, so
 * they die with the harness. The verifier runs from the harness's bundle (bundle.ts), like the servers.
 */
import type { ChildProcess } from 'node:child_process'
import { spawn } from 'node:child_process'
import { statSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { repoRoot } from '@auth-lab/shared'
import { nodeArgsFor } from '../../lib/bundle.js'
import { processRegistry } from '../../lib/process-registry.js'
import type { ServerHandle } from '../../lib/processes.js'

export type VerifyReply = { id: number; ok: boolean; kid: string | null; code: string | null }

const VERIFIER = fileURLToPath(new URL('./jwks-verifier.ts', import.meta.url))

/** The JWKS-consuming verifier process. */
export class JwksVerifier {
  private next = 1
  private readonly pending = new Map<number, (r: VerifyReply) => void>()
  private constructor(private readonly child: ChildProcess) {
    child.on('message', (m: VerifyReply | { ready: true }) => {
      if ('ready' in m) return
      this.pending.get(m.id)?.(m)
      this.pending.delete(m.id)
    })
  }

  static async start(env: Record<string, string>): Promise<JwksVerifier> {
    const child = spawn(process.execPath, await nodeArgsFor(VERIFIER), {
      cwd: repoRoot(),
      env: { ...process.env, ...env },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    })
    processRegistry.add(child, 'jwks-verifier')
    await new Promise<void>((resolve, reject) => {
      child.once('message', () => resolve())
      child.once('exit', (code) => reject(new Error(`jwks-verifier exited at start (${code})`)))
    })
    return new JwksVerifier(child)
  }

  verify(token: string): Promise<VerifyReply> {
    const id = this.next++
    return new Promise((resolve) => {
      this.pending.set(id, resolve)
      this.child.send({ id, token })
    })
  }

  close(): void {
    if (this.child.exitCode === null) this.child.kill('SIGKILL')
  }
}

const ROTATOR = fileURLToPath(new URL('./rotate-on-cue.ts', import.meta.url))

/**
 * The real `keys rotate` CLI against the server's key directory, started ahead (rotate-on-cue.ts) so that `go`
 * rotates at once. `go()` resolves with the exit code and the moment the new key reached the disk (the key file's
 * mtime).
 */
export async function startRotator(
  server: ServerHandle,
): Promise<{ go(): Promise<{ exit: number | null; rotatedAt: number }>; kill(): void }> {
  // Through tsx, not the bundle: it imports the real CLI (a .ts file) only on its cue, by URL.
  const child = spawn(process.execPath, ['--import', 'tsx', ROTATOR], {
    cwd: repoRoot(),
    env: { ...process.env, JWT_ALG: server.env.JWT_ALG ?? 'HS256', DB_PATH: server.dbPath },
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  })
  processRegistry.add(child, 'keys-rotate')
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
  await new Promise<void>((resolve, reject) => {
    child.once('message', () => resolve())
    void exited.then((code) => reject(new Error(`keys rotate exited before its cue (${code})`)))
  })
  return {
    async go() {
      child.send('go')
      const exit = await exited
      // File name as apps/stateless/src/tokens/key-file.ts keyFilePath() builds it (JWT_KEYS_DIR defaults beside the DB).
      const file = join(dirname(server.dbPath), 'keys', `jwt-${server.env.JWT_ALG}.json`)
      return { exit, rotatedAt: statSync(file).mtimeMs }
    },
    kill: () => {
      if (child.exitCode === null) child.kill('SIGKILL')
    },
  }
}
