import { type AppName, type AppServer } from '../../helpers/index.js';
import type { CaseContext, Profile } from './types.js';
/** What a naive verifier needs to be configured like the real app it sits beside (bench/src/naive-verifier). */
export interface NaiveConfig {
    /** HS256 mode: the shared secret. */
    secret?: Uint8Array;
    /** Asymmetric mode: the app's public key, as PEM (what a naive library is handed as "the key"). */
    publicKeyPem?: string;
}
export type NaiveFactory = (config: NaiveConfig) => Promise<{
    url: string;
    close(): Promise<void>;
}>;
export interface ContextOptions {
    naive?: NaiveFactory;
    /** Called when a server starts (the bench prints progress). */
    onStart?: (app: AppName, profile: Profile, server: AppServer) => void;
}
export declare function createCaseContext(opts?: ContextOptions): CaseContext;
