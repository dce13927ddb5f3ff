import { type AppServer, type Cred, type Res } from '../../helpers/index.js';
import type { CaseContext, Check, Target } from './types.js';
export declare const sleep: (ms: number) => Promise<void>;
export declare const nowS: () => number;
/** REJECT-B: 401, `WWW-Authenticate: Bearer … error="invalid_token"`, nothing leaked, never 500. */
export declare function isRejectB(res: Res): boolean;
/** REJECT-A: 401 `unauthenticated`, nothing leaked. */
export declare function isRejectA(res: Res): boolean;
export declare function isReject(app: Target, res: Res): boolean;
export declare function describeRes(res: Res): string;
/**
 * Sends each token variant to `/me` on the verifier. For the real app every one must be REJECT-B; for the naive
 * verifier the accepted ones are recorded (that is the C11 evidence). Returns the accepted labels.
 */
export declare function probeTokens(check: Check, target: Target, verifierUrl: string, variants: readonly {
    label: string;
    token: string;
}[]): Promise<string[]>;
/** Logs a fixture user in and fails the case (by throwing) if that does not work: every later step needs it. */
export declare function mustLogin(ctx: CaseContext, server: AppServer, username: string, password: string): Promise<Cred>;
/** Reads `auth_lab_logins_total` by outcome from /metrics (to prove "no hash was computed"). */
export declare function loginCounts(server: AppServer): Promise<Record<string, number>>;
export declare function metricValue(text: string, name: string): number | undefined;
/** Header names of a response, minus the ones that differ per request by nature. */
export declare function headerNames(res: Res): string;
