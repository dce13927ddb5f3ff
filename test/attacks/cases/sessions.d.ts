import type { AttackCase } from './types.js';
/** §3.3 Session management (stateful app), plus the cross-app cases T33 and T36. */
export declare const sessionCases: AttackCase[];
