import { type Fixtures } from './fixtures.js';
export type AppName = 'stateful' | 'stateless';
export interface StartOptions {
    app: AppName;
    /** Extra env for the server (timers, JWT_ALG, COOKIE_SECURE, throttle limits, …). */
    env?: Record<string, string>;
    /** Argon2 cost for the server and the seeded hashes: cheap (256 KiB, t=1) unless timing is the point. */
    cost?: 'cheap' | 'real';
    /** Seed the fixture users first (default true). */
    seed?: boolean;
    victims?: number;
    startTimeoutMs?: number;
}
export interface AppServer {
    app: AppName;
    port: number;
    url: string;
    /** The origin the server allows by default (same-origin requests send it). */
    origin: string;
    pid: number;
    dir: string;
    dbPath: string;
    keysDir: string;
    env: Record<string, string>;
    fixtures: Fixtures;
    output(): string;
    /** Graceful stop (SIGTERM, then SIGKILL after 3 s) and removal of the temp dir. */
    stop(): Promise<void>;
}
/** Cheap argon2 for everything except the login-timing check (stated wherever it is used). */
export declare const CHEAP_ARGON2: {
    ARGON2_MEMORY_KIB: string;
    ARGON2_TIME_COST: string;
};
/**
 * Starts `apps/<app>/src/server.ts` through tsx's loader from the repo root as a child process on a free
 * 127.0.0.1 port, with a temporary DB_PATH (and JWT_KEYS_DIR beside it), after seeding the fixture users into that
 * file. Resolves once `GET /health` answers 200.
 */
export declare function startApp(opts: StartOptions): Promise<AppServer>;
/** Starts a server that is expected to refuse to start; resolves with how it ended (or that it listened). */
export declare function startExpectingFailure(app: AppName, extraEnv: Record<string, string>, timeoutMs?: number): Promise<{
    exitCode: number | null;
    listened: boolean;
    output: string;
}>;
