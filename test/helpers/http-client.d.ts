import { type SetCookie } from './cookies.js';
/** What every helper request returns: status, headers, body (text and parsed JSON), cookies set, and the time. */
export interface Res {
    status: number;
    headers: Headers;
    text: string;
    json: any;
    setCookies: SetCookie[];
    /** The LAST Set-Cookie of that name (browsers keep the last one). */
    cookie(name: string): SetCookie | undefined;
    ms: number;
}
export interface ReqOptions {
    /** Request headers; a value of '' leaves that header out. */
    headers?: Record<string, string>;
    /** Serialised with Content-Type: application/json unless a content-type header is given. */
    json?: unknown;
    body?: string | Uint8Array;
    /** Sent as one Cookie header (name=value; …). */
    cookies?: Record<string, string>;
    timeoutMs?: number;
}
export declare function request(baseUrl: string, method: string, path: string, opts?: ReqOptions): Promise<Res>;
/** Headers a same-origin browser request would carry on a state-changing call. */
export declare function sameOrigin(origin: string): Record<string, string>;
/** Text that must never reach a client: library names, stack frames, SQL errors. */
export declare const LEAK_PATTERN: RegExp;
export declare function median(xs: readonly number[]): number;
export declare function percentile(xs: readonly number[], p: number): number;
