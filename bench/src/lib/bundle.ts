/**
 * Node arguments that run a TypeScript entry (a server, the load generator, a helper process) from a bundle built
 * once per harness process, instead of `--import tsx <entry>`.
 *
 * Why: every scenario starts servers, often many (a variant each, a restart each). Through tsx every start loads the
 * loader, resolves and transforms (or reads from tsx's cache) ~150 modules; a single esbuild bundle of the same code
 * starts 2–3× faster (measured: ~1.4 s → ~0.5 s per server to /health on an idle 2-core machine). The bundle is the
 * same source, not a different build: third-party packages are bundled as shipped, TypeScript is stripped exactly as
 * tsx does (both use esbuild), and the two native addons (better-sqlite3, @node-rs/argon2) stay external, imported by
 * absolute path. `import.meta.url` is rewritten to each source file's own URL, so files read beside a module
 * (`new URL('./x.client.js', import.meta.url)`) still resolve. `BENCH_BUNDLE=0` goes back to tsx.
 *
 * Bundles live in one temp directory per harness process (`auth-lab-bundle-<pid>-*`), removed when it exits; a
 * process that never runs its exit handlers (a vitest worker is killed) leaves one behind, which the next harness
 * process removes once that PID is gone.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { basename, join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { repoRoot } from '@auth-lab/shared'
import { build } from 'esbuild'

/** Native addons: cannot be bundled; resolved from the shared package (which depends on both). */
const NATIVE = /^(better-sqlite3|@node-rs\/argon2)$/

const built = new Map<string, Promise<string>>()
let dir: string | null = null

const PREFIX = 'auth-lab-bundle-'

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/** Removes bundle directories left by harness processes that are gone (by the PID in the name). */
function sweepStale(): void {
  for (const name of readdirSync(tmpdir())) {
    const pid = Number(/^auth-lab-bundle-(\d+)-/.exec(name)?.[1])
    if (pid > 0 && pid !== process.pid && !alive(pid))
      rmSync(join(tmpdir(), name), { recursive: true, force: true })
  }
}

function outDir(): string {
  if (dir) return dir
  sweepStale()
  const d = mkdtempSync(join(tmpdir(), `${PREFIX}${process.pid}-`))
  dir = d
  process.once('exit', () => rmSync(d, { recursive: true, force: true }))
  return d
}

export function bundlingEnabled(): boolean {
  return process.env.BENCH_BUNDLE !== '0'
}

/** Builds (once per process) a single ESM file from `entry` (absolute path); resolves with the bundle's path. */
export function bundleEntry(entry: string): Promise<string> {
  let p = built.get(entry)
  if (!p) {
    p = buildBundle(entry)
    built.set(entry, p)
    // A failed build is not cached: the next start retries (and reports its own error).
    p.catch(() => built.delete(entry))
  }
  return p
}

async function buildBundle(entry: string): Promise<string> {
  const root = repoRoot()
  const nativeFrom = createRequire(join(root, 'apps/shared/package.json'))
  const outfile = join(outDir(), `${built.size}-${basename(entry).replace(/\.[cm]?ts$/, '')}.mjs`)
  await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    logLevel: 'silent',
    // CommonJS packages inside an ESM bundle call require(): give the bundle one.
    banner: {
      js: "import { createRequire as __authLabCreateRequire } from 'node:module'; const require = __authLabCreateRequire(import.meta.url);",
    },
    plugins: [
      {
        name: 'auth-lab-native-external',
        setup(b) {
          b.onResolve({ filter: NATIVE }, (a) => ({ path: nativeFrom.resolve(a.path), external: true }))
        },
      },
      {
        name: 'auth-lab-own-import-meta-url',
        setup(b) {
          // Our own sources only (not node_modules): keep each module's import.meta.url its original file's URL.
          b.onLoad({ filter: /\.[cm]?ts$/ }, (a) => {
            if (!a.path.startsWith(root) || a.path.includes('/node_modules/')) return undefined
            const src = readFileSync(a.path, 'utf8')
            if (!src.includes('import.meta.url')) return { contents: src, loader: 'ts' }
            const url = JSON.stringify(pathToFileURL(a.path).href)
            return { contents: src.replaceAll('import.meta.url', url), loader: 'ts' }
          })
        },
      },
    ],
  })
  return outfile
}

/** The node arguments that run `entry`: `[bundle.mjs]`, or `['--import', 'tsx', entry]` with BENCH_BUNDLE=0. */
export async function nodeArgsFor(entry: string): Promise<string[]> {
  if (!bundlingEnabled()) return ['--import', 'tsx', entry]
  return [await bundleEntry(entry)]
}
