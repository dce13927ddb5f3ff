import type { AttackCase } from './types.js';
/** §3.4 JWT access-token validation (stateless app; the naive verifier runs the same tokens for contrast). */
export declare const jwtCases: AttackCase[];
