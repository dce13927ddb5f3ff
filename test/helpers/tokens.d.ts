import { type CryptoKey, type JWK } from 'jose';
/**
 * Token minting for the JWT cases. jose signs what it will produce; by-hand helpers build the tokens jose refuses
 * to (`alg: none` in any spelling, `alg` missing/null/array, an HS signature over an attacker-chosen header).
 */
export declare function b64u(input: string | Uint8Array | object): string;
export interface DecodedJwt {
    header: Record<string, any>;
    payload: Record<string, any>;
    parts: [string, string, string];
}
export declare function decodeJwt(token: string): DecodedJwt;
export type Signer = (signingInput: string) => Uint8Array | string;
/** Builds `b64(header).b64(payload).sig`; header and payload may be raw JSON strings for odd shapes. */
export declare function handToken(header: object | string, payload: object | string, signer?: Signer): string;
export declare function hmacSigner(hash: 'sha256' | 'sha384' | 'sha512', key: Uint8Array | string): Signer;
/** Signs with an attacker's private key through jose, with any protected header members (jwk, x5c, jku, kid). */
export declare function joseSign(key: CryptoKey | Uint8Array, header: Record<string, unknown> & {
    alg: string;
}, payload: object): Promise<string>;
export interface AttackerKey {
    alg: 'RS256' | 'ES256' | 'EdDSA';
    privateKey: CryptoKey;
    publicJwk: JWK;
    privatePem: string;
}
export declare function attackerKey(alg: AttackerKey['alg']): Promise<AttackerKey>;
/**
 * A self-signed certificate for the attacker's RSA key (openssl), base64 DER as `x5c` wants it. If openssl is
 * missing the case still runs with a DER-shaped blob: the server must not trust x5c either way.
 */
export declare function selfSignedX5c(privatePem: string): {
    x5c: string;
    real: boolean;
};
/** Plain node:crypto signing for an asymmetric alg over a hand-built header (used when jose would object). */
export declare function nodeSigner(alg: 'RS256' | 'ES256' | 'EdDSA', privatePem: string): Signer;
