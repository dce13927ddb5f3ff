import type { AppName, StartOptions } from '../../helpers/index.js';
import type { Profile } from './types.js';
/** The HS256 test secret (48 ASCII bytes, used as its UTF-8 bytes, as JWT_SECRET is). Known so cases can mint. */
export declare const TEST_SECRET = "auth-lab-test-secret-7f3c9a1e5b2d4068-not-for-prod";
export declare const TEST_SECRET_BYTES: Uint8Array<ArrayBuffer>;
/** Short timers (catalogue §0): idle 2 s / absolute 5 s sessions; 2 s access tokens, refresh idle 3 s / absolute 6 s. */
export declare const SHORT: {
    readonly stateful: {
        readonly SESSION_IDLE_TTL: '2';
        readonly SESSION_ABSOLUTE_TTL: '5';
    };
    readonly stateless: {
        readonly ACCESS_TTL: '2';
        readonly CLOCK_TOLERANCE: '0';
        readonly REFRESH_TTL: '3';
        readonly REFRESH_ABSOLUTE_TTL: '6';
    };
};
export declare const THROTTLE_WINDOW_S = 4;
export declare const JWT_ALG_OF: Partial<Record<Profile, string>>;
/**
 * Server options per profile. Attack servers run like production cookies (COOKIE_SECURE=1: `__Host-sid`,
 * `__Secure-rt`); argon2 is cheap (256 KiB, t=1) except for the timing profile, which uses the real default cost.
 */
export declare function profileOptions(app: AppName, profile: Profile): StartOptions;
