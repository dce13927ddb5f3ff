/**
 * Sends bytes over a plain TCP socket, for requests fetch will not make: a Content-Length that lies, chunked bodies
 * of our own framing, headers above Node's 16 KiB limit. Resolves with the status line's code (or null when the
 * server closed without answering) and how long it took.
 */
export declare function rawRequest(port: number, head: string, body?: Buffer | string | ((write: (chunk: Buffer | string) => boolean) => Promise<void>), timeoutMs?: number): Promise<{
    status: number | null;
    head: string;
    ms: number;
    closed: boolean;
}>;
