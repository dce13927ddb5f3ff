/**
 * Fixture users, seeded straight into the DB file before the server starts (catalogue §0):
 * alice and bob active, carol disabled (with her correct password), `long` with an 80-byte password (bcrypt would
 * truncate it at 72), `dave` with a 64-character password, and a pool of identical "victims" that cases which change
 * a user (password change, logout-all, disable, delete) take one each, so no case disturbs another.
 */
export interface FixtureUser {
    id: number;
    username: string;
    password: string;
    disabled: boolean;
}
export interface Fixtures {
    users: Record<'alice' | 'bob' | 'carol' | 'long' | 'dave', FixtureUser>;
    /** Fresh users nobody else touches; take one with `takeVictim`. */
    victims: FixtureUser[];
}
export declare const LONG_PASSWORD: string;
export declare const SIXTY_FOUR: string;
export declare const VICTIM_PASSWORD = "victim-pass-2026";
export declare function seedFixtures(dbPath: string, opts: {
    cost: 'cheap' | 'real';
    victims?: number;
}): Promise<Fixtures>;
