import { type CryptoKey, type JWK } from 'jose';
/**
 * The stateless app's persisted key file (interfaces.md): `<JWT_KEYS_DIR>/jwt-<ALG>.json` =
 * `{"current": kid, "keys": [{kid, alg, createdAt, privateJwk, publicJwk}]}` (HS256 without JWT_SECRET:
 * `{kid, alg, createdAt, secret}` entries). Cases that play "the holder of the real key" read it here.
 */
export interface KeyFileEntry {
    kid: string;
    alg: string;
    createdAt?: number | string;
    privateJwk?: JWK;
    publicJwk?: JWK;
    secret?: string;
}
export interface KeyFile {
    current: string;
    keys: KeyFileEntry[];
}
export declare function readKeyFile(keysDir: string, alg: string): KeyFile;
export declare function currentSigningKey(keysDir: string, alg: string): Promise<{
    kid: string;
    key: CryptoKey | Uint8Array;
    entry: KeyFileEntry;
}>;
