import { type CryptoKey } from 'jose';
import { type AppServer, type Cred } from '../../helpers/index.js';
import type { CaseContext, Profile } from './types.js';
/**
 * "Holder of the real key" minting for a profile: the HS256 test secret, or the private key the app persisted in
 * JWT_KEYS_DIR. Claims start from a real access token (so only the field under test differs).
 */
export interface Minter {
    issuer: AppServer;
    alg: string;
    kid: string;
    key: CryptoKey | Uint8Array;
    /** Claims and header of a real token for `cred`'s user. */
    claims: Record<string, any>;
    header: Record<string, any>;
    cred: Cred;
    /** Fresh valid claims (new jti, iat now, exp in 5 min), with overrides; `undefined` values delete the claim. */
    fresh(overrides?: Record<string, unknown>): Record<string, unknown>;
    /** Signs with the real key and alg; header overrides allowed (undefined deletes). */
    sign(payload: Record<string, unknown>, header?: Record<string, unknown>): Promise<string>;
}
export declare function minter(ctx: CaseContext, profile?: Profile, user?: {
    username: string;
    password: string;
}): Promise<Minter>;
