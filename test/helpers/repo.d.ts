/** The repository root, found from this file so the helpers work from vitest and from the bench alike. */
export declare const REPO_ROOT: string;
