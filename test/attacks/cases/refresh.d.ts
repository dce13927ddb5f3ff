import type { AttackCase } from './types.js';
/** §3.5 Refresh tokens, logout and revocation (stateless app). */
export declare const refreshCases: AttackCase[];
