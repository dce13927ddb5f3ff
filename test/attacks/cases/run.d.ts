import { type AttackCase, type CaseContext, type CaseResult, type Target } from './types.js';
/** Runs one case against one target; an exception is a failed case with the error as what was observed. */
export declare function runCase(ctx: CaseContext, c: AttackCase, target: Target): Promise<CaseResult>;
