/** One `Set-Cookie` header, parsed: name, value and attributes (names lower-cased). */
export interface SetCookie {
    name: string;
    value: string;
    attrs: Map<string, string | true>;
    raw: string;
}
export declare function parseSetCookie(raw: string): SetCookie;
/** True when the cookie tells the browser to drop it (empty value with Max-Age=0 or a past Expires). */
export declare function isClearing(c: SetCookie): boolean;
/**
 * A minimal browser-like jar: one value per cookie name, and when a response sets the same name twice the LAST one
 * wins (hono-sessions emits the old ID first and the rotated one after it). A clearing cookie removes the entry.
 */
export declare class CookieJar {
    private readonly values;
    absorb(setCookies: readonly SetCookie[]): void;
    get(name: string): string | undefined;
    set(name: string, value: string): void;
    delete(name: string): void;
    header(): string | undefined;
}
