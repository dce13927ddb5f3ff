import type { AttackCase } from './types.js';
/** §3.1 Login and credentials (both apps). */
export declare const loginCases: AttackCase[];
