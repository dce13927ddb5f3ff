import { fileURLToPath } from 'node:url'

/** The repository root, found from this file so the helpers work from vitest and from the bench alike. */
export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url))
