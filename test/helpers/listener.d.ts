/**
 * A local HTTP listener for the jku/x5u cases: it serves an attacker JWKS (set with `serve` once the attacker key
 * exists) and records every request it gets. A correct verifier never calls it, so `hits` must stay empty.
 */
export interface SinkListener {
    url: string;
    hits: {
        method: string;
        url: string;
    }[];
    serve(body: object): void;
    close(): Promise<void>;
}
export declare function startSink(): Promise<SinkListener>;
