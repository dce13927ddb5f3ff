import type { AttackCase } from './types.js';
/** §3.2 Input handling (both apps; login, password-change and refresh bodies). */
export declare const inputCases: AttackCase[];
