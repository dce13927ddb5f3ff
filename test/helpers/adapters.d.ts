import { type ReqOptions, type Res } from './http-client.js';
import type { AppName, AppServer } from './server.js';
/**
 * What differs between the two apps, and nothing else: how a login turns into a credential (session cookie vs
 * Bearer token + refresh cookie) and how that credential rides on a request. The contract suite and the attack
 * cases are written once against this interface.
 */
export interface Cred {
    app: AppName;
    /** stateful: the session cookie value. */
    sid?: string;
    /** stateless: the access token and the refresh cookie value. */
    access?: string;
    refresh?: string;
}
export interface Adapter {
    app: AppName;
    mechanism: 'session' | 'jwt';
    /** Name of the cookie the app sets at login (session ID or refresh token). */
    cookieName(server: AppServer): string;
    login(server: AppServer, username: string, password: string, opts?: ReqOptions): Promise<{
        res: Res;
        cred?: Cred;
    }>;
    /** Sends a request carrying the credential the way the app expects it; unsafe methods also send same-origin headers. */
    send(server: AppServer, cred: Cred | undefined, method: string, path: string, opts?: ReqOptions): Promise<Res>;
    me(server: AppServer, cred: Cred | undefined): Promise<Res>;
    logout(server: AppServer, cred: Cred): Promise<Res>;
    logoutAll(server: AppServer, cred: Cred): Promise<Res>;
    sessions(server: AppServer, cred: Cred): Promise<Res>;
    revoke(server: AppServer, cred: Cred, id: string): Promise<Res>;
    changePassword(server: AppServer, cred: Cred, current: string, next: string): Promise<{
        res: Res;
        cred?: Cred;
    }>;
}
export declare const statefulAdapter: Adapter;
export declare const statelessAdapter: Adapter;
/** stateless only: POST /auth/refresh with the refresh cookie (same-origin unless headers say otherwise). */
export declare function refresh(server: AppServer, rt: string | undefined, opts?: ReqOptions): Promise<{
    res: Res;
    cred?: Cred;
}>;
export declare const ADAPTERS: Record<AppName, Adapter>;
