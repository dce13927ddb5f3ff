import Database from 'better-sqlite3';
/**
 * Gray-box view of a running server's SQLite file, opened read-only for each look (no long read transaction keeps
 * the WAL from checkpointing). Used for the catalogue's "nothing lost" checks: users unchanged (every hash), no rows
 * created or revoked beyond what a case expects.
 */
export interface UserRowSnapshot {
    id: number;
    username: string;
    password_hash: string;
    token_version: number;
    disabled: number;
}
export interface DbSnapshot {
    users: Map<number, UserRowSnapshot>;
    /** Per table (schema_migrations and users excluded): row count and a digest of the rows' content. */
    tables: Map<string, {
        count: number;
        digest: string;
    }>;
}
export declare function withDb<T>(dbPath: string, fn: (db: Database.Database) => T): T;
/** A writable connection for case set-up steps the catalogue prescribes ("set users.disabled=1 in the DB"). */
export declare function withWritableDb<T>(dbPath: string, fn: (db: Database.Database) => T): T;
export declare function tableNames(db: Database.Database): string[];
export declare function snapshot(dbPath: string): DbSnapshot;
export interface SnapshotDiff {
    usersChanged: number[];
    usersAdded: number[];
    usersRemoved: number[];
    tablesChanged: {
        table: string;
        before: number;
        after: number;
    }[];
}
export declare function diffSnapshots(before: DbSnapshot, after: DbSnapshot): SnapshotDiff;
/** Counts rows in every table that has a `user_id` column, for one user (sessions, families, tokens, …). */
export declare function rowsForUser(dbPath: string, userId: number): Record<string, number>;
/** Total row count of every table (users and schema_migrations included). */
export declare function rowCounts(dbPath: string): Record<string, number>;
/**
 * Whether a value occurs anywhere in the DB: every text or blob cell of every table is compared with the value, its
 * SHA-256 (hex and base64url) and, for blobs, the raw SHA-256 bytes. Used for "no row stored under the attacker's
 * ID" and "the raw refresh token is nowhere in the file, only its hash".
 */
export declare function findValue(dbPath: string, value: string): {
    raw: boolean;
    hashed: boolean;
};
/** The raw bytes of the DB file (plus its WAL), for "the raw token string appears nowhere in the file". */
export declare function fileContains(dbPath: string, needle: string): boolean;
